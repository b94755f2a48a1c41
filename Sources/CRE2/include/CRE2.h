// A C face for RE2 (Debian: libre2-dev), the regular-expression engine that runs in time linear in the
// input: Swift calls these; CRE2.cpp holds the C++ behind them.
#ifndef HUIYAN_CRE2_H
#define HUIYAN_CRE2_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cre2_regex cre2_regex;

/// Compiles a pattern (UTF-8). On failure returns NULL and writes RE2's message (NUL-terminated, cut to
/// `error_capacity`) into `error`.
cre2_regex *cre2_compile(const char *pattern, size_t length, int case_insensitive, int dot_matches_newline,
                         char *error, size_t error_capacity);
void cre2_free(cre2_regex *regex);
/// Capturing groups in the pattern.
int cre2_groups(const cre2_regex *regex);
/// Whether the pattern matches somewhere in the text.
int cre2_partial_match(const cre2_regex *regex, const char *text, size_t length);
/// The first match's group `group` (0: the whole match): 1 and its bytes' offset and length, or 0 when there
/// is no match (or the group did not take part).
int cre2_extract(const cre2_regex *regex, const char *text, size_t length, int group, size_t *start, size_t *out_length);
/// The text with the first match (every match when `global`) replaced by `rewrite` (\0…\9 for groups);
/// returns a malloc'd buffer of `*out_length` bytes (the caller frees it), or NULL when `rewrite` names a
/// group the pattern lacks (then `error` says so).
char *cre2_replace(const cre2_regex *regex, const char *text, size_t length, const char *rewrite, size_t rewrite_length,
                   int global, size_t *out_length, char *error, size_t error_capacity);

#ifdef __cplusplus
}
#endif

#endif
