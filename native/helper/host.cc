// gilscope-host: starts a task host (a Node child process) that cannot outlive its parent. A
// standalone executable (no Node), built next to the addon by both builds.
//
//   gilscope-host <parent-pid> <node> [node-args...]
//
// It asks the kernel to SIGKILL it when its parent dies (PR_SET_PDEATHSIG, kept across execve),
// checks that the parent it was started by is still its parent (one that died before the request
// was made would never send the signal), and then execs node with the rest of its arguments in
// the same process: environment and file descriptors (the IPC channel) are passed on untouched.
// So a host that is still starting, or busy with a held task and blind to its IPC channel, ends
// with its parent, whichever way the parent ended (SIGKILL included).
//
// Exit codes when node is not reached: 2 bad arguments, 125 the parent had already gone, 126 exec
// failed (an error line on stderr names the errno).
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: gilscope-host <parent-pid> <node> [node-args...]\n");
    return 2;
  }
  char* end = nullptr;
  const long parent = std::strtol(argv[1], &end, 10);
  if (end == argv[1] || *end != '\0' || parent <= 1) {
    std::fprintf(stderr, "gilscope-host: parent-pid must be a process id above 1, received '%s'\n", argv[1]);
    return 2;
  }
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) {
    std::fprintf(stderr, "gilscope-host: prctl(PR_SET_PDEATHSIG): %s\n", std::strerror(errno));
    return 126;
  }
  if (getppid() != static_cast<pid_t>(parent)) return 125;  // the parent died before the request
  execv(argv[2], argv + 2);
  std::fprintf(stderr, "gilscope-host: could not exec %s: %s (%s)\n", argv[2], strerrorname_np(errno),
               std::strerror(errno));
  return 126;
}
