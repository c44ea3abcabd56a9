// Linux's timerfd (the replay's schedule clock); empty elsewhere.
#ifdef __linux__
#include <sys/timerfd.h>
#endif
