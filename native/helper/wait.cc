// gilscope-wait: runs one command and reports its rusage, for `gilscope time`. A standalone
// executable (no Node; of the native tree it uses only the header-only common/clock.h), built next
// to the addon by both builds.
//
//   gilscope-wait <report-fd> <program> [args...]
//
// Why a helper: Node does not expose a child's rusage, a wait4() from inside Node would race libuv
// (which reaps its children), and a child forked from Node starts with a copy of Node's memory, so
// its ru_maxrss would never read below Node's own resident set (about 18 MiB for `sleep`, whose real
// peak is under 2 MiB). This helper is small, forks the command itself and wait4()s for it: the
// accounting of /usr/bin/time.
//
// Protocol, one line each on <report-fd> (which the command does not inherit):
//   "pid <pid>"      once the command has been exec'd;
//   "error <errno>"  instead, if it could not be (the helper then exits 127 for ENOENT, else 126);
//   "done <exitCode> <signal> <realNs> <userUs> <systemUs> <maxRssKb> <voluntarySwitches>
//    <involuntarySwitches> <minorFaults> <majorFaults>"  when it has ended, with exitCode -1 when a
//    signal ended it and signal 0 when none did. realNs runs from just before the fork to wait4's
//    return on CLOCK_MONOTONIC; the rest is wait4's rusage (the command and its waited-for children).
// The helper then exits with the command's status (its exit code, or 128 + the signal).
//
// Signals: SIGINT, SIGTERM, SIGHUP and SIGQUIT sent to the helper by a process (kill(), as
// `gilscope time` does) are passed on to the command. The same signals raised by the terminal
// (Ctrl-C, Ctrl-\, hangup) already reach the command, which shares the helper's process group, so
// they are not sent twice. Either way the helper stays alive to report.
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "common/clock.h"

namespace {

using gilscope::common::monotonicNs;
using gilscope::common::toUs;

// The command's pid for the signal handler (0 before the fork). The only mutable global: a signal
// handler can reach nothing else.
volatile sig_atomic_t commandPid = 0;

constexpr int kForwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

// Passes on a signal sent by a process; ignores one raised by the terminal (si_code > 0, e.g.
// SI_KERNEL), which the command has had already.
void forward(int sig, siginfo_t* info, void*) {
  if (info != nullptr && info->si_code > 0) return;
  const pid_t pid = commandPid;
  if (pid > 0) kill(pid, sig);
}

// Writes all of text; a reader that has gone (EPIPE) is not an error worth more than silence.
void writeAll(int fd, const char* text, size_t length) {
  while (length > 0) {
    const ssize_t n = write(fd, text, length);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    text += n;
    length -= static_cast<size_t>(n);
  }
}

void report(int fd, const char* format, ...) __attribute__((format(printf, 2, 3)));
void report(int fd, const char* format, ...) {
  char line[512];
  va_list args;
  va_start(args, format);
  const int n = std::vsnprintf(line, sizeof(line), format, args);
  va_end(args);
  if (n > 0) writeAll(fd, line, static_cast<size_t>(n) < sizeof(line) ? static_cast<size_t>(n) : sizeof(line) - 1);
}

// In the forked child: restore what the command should start with, exec it, and on failure send
// errno through errFd (close-on-exec, so a successful exec sends nothing).
[[noreturn]] void execCommand(char** argv, int errFd, const sigset_t& oldMask) {
  for (int sig : kForwarded) signal(sig, SIG_DFL);
  signal(SIGPIPE, SIG_DFL);
  sigprocmask(SIG_SETMASK, &oldMask, nullptr);
  execvp(argv[0], argv);
  const int err = errno;
  writeAll(errFd, reinterpret_cast<const char*>(&err), sizeof(err));
  _exit(127);
}

int usage(const char* message) {
  std::fprintf(stderr, "gilscope-wait: %s\nusage: gilscope-wait <report-fd> <program> [args...]\n", message);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) return usage("missing arguments");
  char* end = nullptr;
  const long fd = std::strtol(argv[1], &end, 10);
  if (end == argv[1] || *end != '\0' || fd < 0 || fd > 1'000'000 || fcntl(static_cast<int>(fd), F_GETFD) < 0) {
    return usage("report-fd must be an open file descriptor");
  }
  const int reportFd = static_cast<int>(fd);
  fcntl(reportFd, F_SETFD, FD_CLOEXEC);
  signal(SIGPIPE, SIG_IGN);

  int errPipe[2];
  if (pipe2(errPipe, O_CLOEXEC) != 0) {
    report(reportFd, "error %d\n", errno);
    return 126;
  }

  // Handlers first, blocked until commandPid is set, so no signal is lost or sent to pid 0.
  sigset_t forwarded;
  sigset_t oldMask;
  sigemptyset(&forwarded);
  for (int sig : kForwarded) sigaddset(&forwarded, sig);
  sigprocmask(SIG_BLOCK, &forwarded, &oldMask);
  struct sigaction action {};
  action.sa_sigaction = forward;
  action.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset(&action.sa_mask);
  for (int sig : kForwarded) sigaction(sig, &action, nullptr);

  const uint64_t startNs = monotonicNs();
  const pid_t pid = fork();
  if (pid < 0) {
    report(reportFd, "error %d\n", errno);
    return 126;
  }
  if (pid == 0) {
    close(errPipe[0]);
    execCommand(argv + 2, errPipe[1], oldMask);
  }
  commandPid = pid;
  sigprocmask(SIG_SETMASK, &oldMask, nullptr);

  close(errPipe[1]);
  int execErrno = 0;
  ssize_t got;
  do {
    got = read(errPipe[0], &execErrno, sizeof(execErrno));
  } while (got < 0 && errno == EINTR);
  close(errPipe[0]);
  const bool started = got != static_cast<ssize_t>(sizeof(execErrno));
  if (started) report(reportFd, "pid %d\n", static_cast<int>(pid));

  int status = 0;
  rusage ru{};
  pid_t waited;
  do {
    waited = wait4(pid, &status, 0, &ru);
  } while (waited < 0 && errno == EINTR);
  const uint64_t realNs = monotonicNs() - startNs;
  commandPid = 0;
  if (waited < 0) {
    report(reportFd, "error %d\n", errno);
    return 126;
  }
  if (!started) {
    report(reportFd, "error %d\n", execErrno);
    return execErrno == ENOENT ? 127 : 126;
  }

  const int exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  const int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  report(reportFd, "done %d %d %llu %llu %llu %ld %ld %ld %ld %ld\n", exitCode, sig,
         static_cast<unsigned long long>(realNs), static_cast<unsigned long long>(toUs(ru.ru_utime)),
         static_cast<unsigned long long>(toUs(ru.ru_stime)), ru.ru_maxrss, ru.ru_nvcsw, ru.ru_nivcsw, ru.ru_minflt,
         ru.ru_majflt);
  return exitCode >= 0 ? exitCode : 128 + sig;
}
