#include "json_equivalence.hpp"

#include <cmath>
#include <utility>
#include <vector>

namespace gmat::fuzz {

namespace {

bool same_number(const rapidjson::Value &a, const rapidjson::Value &b) {
    if (a.IsUint64() && b.IsUint64()) return a.GetUint64() == b.GetUint64();
    if (a.IsInt64() && b.IsInt64()) return a.GetInt64() == b.GetInt64();
    const double x = a.GetDouble(), y = b.GetDouble();
    return x == y || std::fabs(x - y) <= 1e-14 * std::max(std::fabs(x), std::fabs(y));
}

} // namespace

// An explicit stack, not recursion: fuzzed documents nest deeply.
bool json_equivalent(const rapidjson::Value &a, const rapidjson::Value &b) {
    std::vector<std::pair<const rapidjson::Value *, const rapidjson::Value *>> todo{{&a, &b}};
    while (!todo.empty()) {
        const auto [x, y] = todo.back();
        todo.pop_back();
        if (x->IsNumber() && y->IsNumber()) {
            if (!same_number(*x, *y)) return false;
            continue;
        }
        if (x->GetType() != y->GetType()) return false;
        if (x->IsString() && *x != *y) return false;
        if (x->IsArray()) {
            if (x->Size() != y->Size()) return false;
            for (rapidjson::SizeType i = 0; i < x->Size(); ++i) todo.emplace_back(&(*x)[i], &(*y)[i]);
        }
        if (x->IsObject()) {
            if (x->MemberCount() != y->MemberCount()) return false;
            for (auto i = x->MemberBegin(), j = y->MemberBegin(); i != x->MemberEnd(); ++i, ++j) {
                if (i->name != j->name) return false;
                todo.emplace_back(&i->value, &j->value);
            }
        }
    }
    return true;
}

} // namespace gmat::fuzz
