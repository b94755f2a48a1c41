/* libedit's native API (histedit.h). Its el_set and history are variadic, which Swift cannot call, so the
   few calls the REPL makes are wrapped here. */
#include <stdio.h>
#include <wchar.h>
#include <histedit.h>

/* The C library's display width of a character (glibc declares it only under _XOPEN_SOURCE). */
extern int wcwidth(wchar_t c);

typedef int (*huiyan_getc_fn)(EditLine *, wchar_t *);
typedef char *(*huiyan_prompt_fn)(EditLine *);
typedef unsigned char (*huiyan_command_fn)(EditLine *, int);

/* Emacs keys, no signal handling of libedit's own (the caller's SIGINT handler stays in place), the prompt,
   the history, a character reader, Tab bound to a completion function and Ctrl-R to incremental search. */
static inline void huiyan_el_setup(EditLine *el, History *history_, huiyan_prompt_fn prompt, huiyan_getc_fn getc_,
                                   huiyan_command_fn complete) {
    el_set(el, EL_EDITOR, "emacs");
    el_set(el, EL_SIGNAL, 0);
    el_set(el, EL_PROMPT, prompt);
    el_set(el, EL_HIST, history, history_);
    el_set(el, EL_GETCFN, getc_);
    el_set(el, EL_ADDFN, "huiyan-complete", "complete a table, column, keyword or meta-command", complete);
    el_set(el, EL_BIND, "^I", "huiyan-complete", NULL);
    el_set(el, EL_BIND, "^R", "em-inc-search-prev", NULL);
    el_source(el, NULL);
}

/* Redraws the prompt and the line (after el_resize, when the terminal's width changed). */
static inline void huiyan_el_refresh(EditLine *el) { el_set(el, EL_REFRESH); }

static inline History *huiyan_history_open(int size) {
    HistEvent event;
    History *h = history_init();
    if (h == NULL) return NULL;
    history(h, &event, H_SETSIZE, size);
    history(h, &event, H_SETUNIQUE, 1);
    return h;
}

static inline int huiyan_history_load(History *h, const char *path) { HistEvent e; return history(h, &e, H_LOAD, path); }
static inline int huiyan_history_save(History *h, const char *path) { HistEvent e; return history(h, &e, H_SAVE, path); }
static inline int huiyan_history_add(History *h, const char *line) { HistEvent e; return history(h, &e, H_ENTER, line); }
