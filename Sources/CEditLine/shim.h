/* libedit's readline emulation; <readline/readline.h> would resolve to GNU readline's headers. */
#include <stdio.h>
#include <editline/readline.h>
