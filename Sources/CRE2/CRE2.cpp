#include "CRE2.h"

#include <re2/re2.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

struct cre2_regex {
    re2::RE2 re;
    cre2_regex(re2::StringPiece pattern, const re2::RE2::Options &options) : re(pattern, options) {}
};

static void copy_error(const std::string &message, char *error, size_t capacity) {
    if (error == nullptr || capacity == 0) return;
    size_t n = message.size() < capacity - 1 ? message.size() : capacity - 1;
    std::memcpy(error, message.data(), n);
    error[n] = '\0';
}

extern "C" cre2_regex *cre2_compile(const char *pattern, size_t length, int case_insensitive, int dot_matches_newline,
                                    char *error, size_t error_capacity) {
    re2::RE2::Options options;
    options.set_log_errors(false);
    options.set_case_sensitive(!case_insensitive);
    options.set_dot_nl(dot_matches_newline != 0);
    auto *regex = new cre2_regex(re2::StringPiece(pattern, length), options);
    if (!regex->re.ok()) {
        copy_error(regex->re.error(), error, error_capacity);
        delete regex;
        return nullptr;
    }
    return regex;
}

extern "C" void cre2_free(cre2_regex *regex) { delete regex; }

extern "C" int cre2_groups(const cre2_regex *regex) { return regex->re.NumberOfCapturingGroups(); }

extern "C" int cre2_partial_match(const cre2_regex *regex, const char *text, size_t length) {
    return re2::RE2::PartialMatch(re2::StringPiece(text, length), regex->re) ? 1 : 0;
}

extern "C" int cre2_extract(const cre2_regex *regex, const char *text, size_t length, int group, size_t *start,
                            size_t *out_length) {
    if (group < 0 || group > regex->re.NumberOfCapturingGroups()) return 0;
    re2::StringPiece input(text, length);
    std::vector<re2::StringPiece> groups(static_cast<size_t>(group) + 1);
    if (!regex->re.Match(input, 0, length, re2::RE2::UNANCHORED, groups.data(), group + 1)) return 0;
    if (groups[group].data() == nullptr) return 0;
    *start = static_cast<size_t>(groups[group].data() - text);
    *out_length = groups[group].size();
    return 1;
}

extern "C" char *cre2_replace(const cre2_regex *regex, const char *text, size_t length, const char *rewrite,
                              size_t rewrite_length, int global, size_t *out_length, char *error, size_t error_capacity) {
    std::string out(text, length);
    re2::StringPiece rewritePiece(rewrite, rewrite_length);
    std::string why;
    if (!regex->re.CheckRewriteString(rewritePiece, &why)) {
        copy_error(why, error, error_capacity);
        return nullptr;
    }
    if (global) {
        re2::RE2::GlobalReplace(&out, regex->re, rewritePiece);
    } else {
        re2::RE2::Replace(&out, regex->re, rewritePiece);
    }
    char *buffer = static_cast<char *>(std::malloc(out.size() + 1));
    if (buffer == nullptr) return nullptr;
    std::memcpy(buffer, out.data(), out.size());
    buffer[out.size()] = '\0';
    *out_length = out.size();
    return buffer;
}
