// A C copy of CPython 3.11's take_gil/drop_gil (Python/ceval_gil.h, FORCE_SWITCHING) on pthread's
// mutex and condition variable, to see what the OS decides under the real GIL's protocol without
// Python: N CPU-bound threads that answer a drop request every CHECK_NS of work (as the eval loop
// does within a few bytecodes), and an I/O thread that releases, sleeps 1 ms, takes the lock back
// and works 20 us. It prints the I/O thread's round latency (sleep included), the hand-off rate
// between CPU threads, and how often the thread that set a drop request got the lock next (a
// waiter still on its way into its wait can take the signal before one asleep in the kernel).
// An investigation aid for the emulated GIL (native/runtime/gil.h), not part of the build:
//   cc -O2 -pthread tools/gil-replica.c -o /tmp/gil-replica
//   /tmp/gil-replica CPU_THREADS INTERVAL_US CHECK_NS SECONDS [noio]
//   /tmp/gil-replica 2 5000 1000 2        # beside two CPU threads at 5 ms
//   /tmp/gil-replica 2 200 60 1 noio      # the hand-off rate alone
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { kMaxCpu = 16, kMaxRounds = 100000, kIoId = 1000 };

static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t switch_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond;
static pthread_cond_t switch_cond = PTHREAD_COND_INITIALIZER;
static atomic_int locked, drop_request, stop;
static atomic_long last_holder;
static unsigned long switch_number;   // under mutex
static long requester = -1;           // under mutex: who set the pending request
static long requests, requester_won;  // under mutex
static long interval_us, check_ns;
static long handoffs, last_runner = -1;  // written by the GIL's holder only
static long latencies[kMaxRounds];
static int rounds;

static long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000000000L + t.tv_nsec;
}

static void deadline_after_us(struct timespec* ts, long us) {
  clock_gettime(CLOCK_MONOTONIC, ts);
  long ns = ts->tv_nsec + us * 1000;
  ts->tv_sec += ns / 1000000000L;
  ts->tv_nsec = ns % 1000000000L;
}

// take_gil: timed waits of one interval; one that expires with the lock held and no switch sets
// the drop request. The new holder bumps switch_number, signals switch_cond, clears the request.
static void take_gil(long me) {
  pthread_mutex_lock(&mutex);
  while (atomic_load(&locked)) {
    unsigned long saved = switch_number;
    struct timespec ts;
    deadline_after_us(&ts, interval_us);
    int r = pthread_cond_timedwait(&cond, &mutex, &ts);
    if (r == ETIMEDOUT && atomic_load(&locked) && switch_number == saved) {
      atomic_store(&drop_request, 1);
      requester = me;
    }
  }
  atomic_store(&locked, 1);
  if (requester >= 0) {
    ++requests;
    if (requester == me) ++requester_won;
    requester = -1;
  }
  pthread_mutex_lock(&switch_mutex);
  if (atomic_load(&last_holder) != me) {
    atomic_store(&last_holder, me);
    ++switch_number;
  }
  pthread_cond_signal(&switch_cond);
  pthread_mutex_unlock(&switch_mutex);
  atomic_store(&drop_request, 0);
  pthread_mutex_unlock(&mutex);
}

// drop_gil: unlock and signal one waiter; with a request pending, wait until another has it.
static void drop_gil(long me) {
  pthread_mutex_lock(&mutex);
  atomic_store(&locked, 0);
  pthread_cond_signal(&cond);
  pthread_mutex_unlock(&mutex);
  if (atomic_load(&drop_request)) {
    pthread_mutex_lock(&switch_mutex);
    if (atomic_load(&last_holder) == me) {
      atomic_store(&drop_request, 0);
      pthread_cond_wait(&switch_cond, &switch_mutex);
    }
    pthread_mutex_unlock(&switch_mutex);
  }
}

static void work_ns(long ns) {
  long end = now_ns() + ns;
  while (now_ns() < end) {
  }
}

static void* cpu_thread(void* arg) {
  long me = (long)arg;
  take_gil(me);
  while (!atomic_load(&stop)) {
    work_ns(check_ns);
    if (last_runner != me) {
      ++handoffs;
      last_runner = me;
    }
    if (atomic_load(&drop_request)) {  // the eval breaker
      drop_gil(me);
      take_gil(me);
    }
  }
  atomic_store(&drop_request, 0);
  drop_gil(me);
  return NULL;
}

static void* io_thread(void* arg) {
  (void)arg;
  take_gil(kIoId);
  while (!atomic_load(&stop)) {
    long t0 = now_ns();
    drop_gil(kIoId);
    struct timespec s = {0, 1000000};
    nanosleep(&s, NULL);
    take_gil(kIoId);
    work_ns(20000);
    if (rounds < kMaxRounds) latencies[rounds++] = now_ns() - t0;
  }
  drop_gil(kIoId);
  return NULL;
}

static int by_value(const void* a, const void* b) {
  long x = *(const long*)a, y = *(const long*)b;
  return (x > y) - (x < y);
}

int main(int argc, char** argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: %s CPU_THREADS INTERVAL_US CHECK_NS SECONDS [noio]\n", argv[0]);
    return 2;
  }
  int cpu = atoi(argv[1]);
  interval_us = atol(argv[2]);
  check_ns = atol(argv[3]);
  double seconds = atof(argv[4]);
  int io = !(argc > 5 && strcmp(argv[5], "noio") == 0);
  if (cpu < 0 || cpu > kMaxCpu || interval_us < 1 || check_ns < 1 || seconds <= 0 || seconds > 60) {
    fprintf(stderr, "CPU_THREADS 0..%d, INTERVAL_US >= 1, CHECK_NS >= 1, SECONDS in (0, 60]\n", kMaxCpu);
    return 2;
  }
  pthread_condattr_t attr;
  pthread_condattr_init(&attr);
  pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);  // as CPython's PyCOND_TIMEDWAIT
  pthread_cond_init(&cond, &attr);
  pthread_t threads[kMaxCpu], io_tid;
  for (long i = 0; i < cpu; i++) pthread_create(&threads[i], NULL, cpu_thread, (void*)(i + 1));
  struct timespec settle = {0, 5000000};  // the CPU threads run before the I/O thread starts
  nanosleep(&settle, NULL);
  long h0 = handoffs, t0 = now_ns();
  if (io) pthread_create(&io_tid, NULL, io_thread, NULL);
  long ns = (long)(seconds * 1e9);
  struct timespec run = {ns / 1000000000L, ns % 1000000000L};
  nanosleep(&run, NULL);
  long h1 = handoffs, t1 = now_ns();
  atomic_store(&stop, 1);
  if (io) pthread_join(io_tid, NULL);
  for (int i = 0; i < cpu; i++) pthread_join(threads[i], NULL);
  printf("cpu=%d interval=%ldus check=%ldns", cpu, interval_us, check_ns);
  if (rounds > 0) {
    qsort(latencies, rounds, sizeof latencies[0], by_value);
    printf(" rounds=%d p50=%.2fms p99=%.2fms max=%.2fms", rounds, latencies[rounds / 2] / 1e6,
           latencies[rounds * 99 / 100] / 1e6, latencies[rounds - 1] / 1e6);
  }
  printf(" handoffs/s=%.0f requester-got-it=%ld/%ld\n", (h1 - h0) / ((t1 - t0) / 1e9), requester_won, requests);
  return 0;
}
