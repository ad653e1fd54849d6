/* Runs a command with its output discarded and prints "<wall ms> <peak RSS KiB>" (wait4 rusage). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>
int main(int argc, char **argv) {
  struct timespec a, b; clock_gettime(CLOCK_MONOTONIC, &a);
  pid_t pid = fork();
  if (pid == 0) { int fd = open("/dev/null", O_WRONLY); dup2(fd, 1); dup2(fd, 2); execvp(argv[1], argv + 1); _exit(127); }
  int status; struct rusage ru; wait4(pid, &status, 0, &ru);
  clock_gettime(CLOCK_MONOTONIC, &b);
  printf("%.1f %ld\n", (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6, ru.ru_maxrss);
  return 0;
}
