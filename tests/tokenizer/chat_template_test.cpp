#include "common/error.hpp"
#include "sentencepiece_fixture.hpp"
#include "test_folder.hpp"
#include "tokenizer/tokenizer_metadata.hpp"

#include <gtest/gtest.h>

namespace gmat {
namespace {

class ChatTemplate : public ::testing::Test {
protected:
    void SetUp() override {
        folder.write("tokenizer.model", test::encode_sentencepiece_model(test::hand_sentencepiece_fixture()));
    }
    Metadata convert() {
        Metadata out;
        append_tokenizer_metadata(folder.path(), {}, out);
        return out;
    }
    test::TestFolder folder;
};

TEST_F(ChatTemplate, NoneWhenNoFileHasOne) { EXPECT_EQ(convert().find("tokenizer.chat_template"), nullptr); }

TEST_F(ChatTemplate, TokenizerConfigStringWinsOverJinjaFile) {
    folder.write("chat_template.jinja", "from jinja");
    folder.write("tokenizer_config.json", R"({"chat_template": "from config"})");
    EXPECT_EQ(*convert().get<std::string>("tokenizer.chat_template"), "from config");
}

TEST_F(ChatTemplate, JinjaFileWithAdditionalTemplates) {
    folder.write("chat_template.jinja", "{% for m in messages %}{{ m.content }}{% endfor %}\n");
    folder.write("additional_chat_templates/tool-use.jinja", "tools");
    folder.write("additional_chat_templates/rag.jinja", "rag");
    const Metadata out = convert();
    EXPECT_EQ(*out.get<std::string>("tokenizer.chat_template"), "{% for m in messages %}{{ m.content }}{% endfor %}\n");
    EXPECT_EQ(*out.get<std::string>("tokenizer.chat_template.tool_use"), "tools");
    EXPECT_EQ(*out.get<std::string>("tokenizer.chat_template.rag"), "rag");
    EXPECT_EQ(*out.get<std::vector<std::string>>("tokenizer.chat_templates"),
              (std::vector<std::string>{"rag", "tool_use"}));
}

TEST_F(ChatTemplate, NamedListInTokenizerConfig) {
    folder.write("tokenizer_config.json",
                 R"({"chat_template": [{"name": "default", "template": "d"}, {"name": "tool use", "template": "t"}]})");
    const Metadata out = convert();
    EXPECT_EQ(*out.get<std::string>("tokenizer.chat_template"), "d");
    EXPECT_EQ(*out.get<std::string>("tokenizer.chat_template.tool_use"), "t");
}

TEST_F(ChatTemplate, ChatTemplateJsonIsTheLastResort) {
    folder.write("chat_template.json", R"({"chat_template": "from json"})");
    EXPECT_EQ(*convert().get<std::string>("tokenizer.chat_template"), "from json");
}

TEST_F(ChatTemplate, WrongTypeIsAnErrorNamingTheField) {
    folder.write("tokenizer_config.json", R"({"chat_template": 42})");
    try {
        convert();
        FAIL();
    } catch (const GmatError &e) {
        EXPECT_NE(std::string(e.what()).find("tokenizer_config.json: chat_template"), std::string::npos) << e.what();
    }
}

} // namespace
} // namespace gmat
