// --part I/N, auto and auto/N: the index and count a task gets from its
// scheduler's variables (Slurm job arrays, Kubernetes Indexed Jobs).
#include "common/error.hpp"
#include "distributed/export_parts.hpp"

#include <gtest/gtest.h>

#include <map>

namespace gmat {
namespace {

EnvLookup env_of(std::map<std::string, std::string> vars) {
    return [vars](const char *name) -> std::optional<std::string> {
        auto it = vars.find(name);
        if (it == vars.end()) return std::nullopt;
        return it->second;
    };
}

std::string error_of(const std::string &spec, std::map<std::string, std::string> vars = {}) {
    try {
        parse_part_spec(spec, env_of(std::move(vars)));
    } catch (const GmatError &e) {
        return e.what();
    }
    return "no error";
}

TEST(PartSpec, ExplicitIndexCountedFromZero) {
    const PartSpec p = parse_part_spec("2/4", env_of({}));
    EXPECT_EQ(p.index, 2u);
    EXPECT_EQ(p.count, 4u);
}

TEST(PartSpec, SlurmArrayTaskIdAndCount) {
    const PartSpec p = parse_part_spec("auto", env_of({{"SLURM_ARRAY_TASK_ID", "3"}, {"SLURM_ARRAY_TASK_COUNT", "4"}}));
    EXPECT_EQ(p.index, 3u);
    EXPECT_EQ(p.count, 4u);
}

TEST(PartSpec, ReRunningSomeIndicesOfASlurmArrayKeepsTheGivenCount) {
    // sbatch --array=2 ... --part auto/4: a one-task array re-running index 2.
    const PartSpec p = parse_part_spec("auto/4", env_of({{"SLURM_ARRAY_TASK_ID", "2"}, {"SLURM_ARRAY_TASK_COUNT", "1"}}));
    EXPECT_EQ(p.index, 2u);
    EXPECT_EQ(p.count, 4u);
}

TEST(PartSpec, KubernetesCompletionIndexWithCompletions) {
    const PartSpec p = parse_part_spec("auto/6", env_of({{"JOB_COMPLETION_INDEX", "5"}}));
    EXPECT_EQ(p.index, 5u);
    EXPECT_EQ(p.count, 6u);
}

TEST(PartSpec, RefusesWhatCannotBeAPart) {
    EXPECT_NE(error_of("4/4").find("part index 4 is out of range: parts of 4 are numbered 0..3"), std::string::npos)
        << error_of("4/4");
    EXPECT_NE(error_of("0/0").find("part count N must be at least 1"), std::string::npos) << error_of("0/0");
    EXPECT_NE(error_of("1").find("expected I/N"), std::string::npos);
    EXPECT_NE(error_of("x/2").find("part index 'x' is not a whole number"), std::string::npos);
    EXPECT_NE(error_of("1/-2").find("part count '-2' is not a whole number"), std::string::npos);
    EXPECT_NE(error_of("0/70000").find("at most 65535 parts"), std::string::npos);
    EXPECT_NE(error_of("auto").find("neither SLURM_ARRAY_TASK_ID"), std::string::npos);
    EXPECT_NE(error_of("auto", {{"JOB_COMPLETION_INDEX", "0"}}).find("give it as auto/N"), std::string::npos);
    EXPECT_NE(error_of("auto/3", {{"JOB_COMPLETION_INDEX", "3"}}).find("out of range"), std::string::npos);
    EXPECT_NE(error_of("auto", {{"SLURM_ARRAY_TASK_ID", "4"}, {"SLURM_ARRAY_TASK_COUNT", "4"}}).find("out of range"),
              std::string::npos);
}

} // namespace
} // namespace gmat
