package dev.cgan.data;

import java.io.InterruptedIOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs one task per image on a few threads, in any order, while the calling thread reports
 * progress. Each task writes its own part of the output, so the result does not depend on the order
 * the threads run in; a bad image is recorded at its index, anything else (out of memory) stops all
 * threads and is rethrown to the caller.
 */
final class ParallelWork {
  private ParallelWork() {}

  /** The work of one item; it may find the item bad. */
  @FunctionalInterface
  interface Task {
    void run(int index) throws ImageDecoder.BadImage;
  }

  private static final long REPORT_MILLIS = 200;

  /**
   * Runs {@code task} for 0..n-1 on {@code threads} threads (at most n).
   *
   * @return per index, the bad image's problem, or null when the task succeeded
   * @throws InterruptedIOException when the calling thread is interrupted (the threads stop)
   */
  static String[] run(int n, int threads, Task task, DecodeProgress progress)
      throws InterruptedIOException {
    String[] problems = new String[n];
    AtomicInteger next = new AtomicInteger(), done = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    int workers = Math.max(1, Math.min(threads, n));
    CountDownLatch finished = new CountDownLatch(workers);
    Runnable worker =
        () -> {
          try {
            for (int i; failure.get() == null && (i = next.getAndIncrement()) < n; ) {
              try {
                task.run(i);
              } catch (ImageDecoder.BadImage e) {
                problems[i] = e.getMessage();
              }
              done.incrementAndGet();
            }
          } catch (Throwable t) {
            failure.compareAndSet(null, t);
          } finally {
            finished.countDown();
          }
        };
    Thread[] pool = new Thread[workers];
    for (int k = 0; k < workers; k++) {
      // Daemon: a caller that gives up (an exception elsewhere) must not keep the JVM alive.
      pool[k] = new Thread(worker, "cgan-decode-" + k);
      pool[k].setDaemon(true);
      pool[k].start();
    }
    long start = System.nanoTime();
    try {
      while (!finished.await(REPORT_MILLIS, TimeUnit.MILLISECONDS)) {
        report(progress, done.get(), n, start);
      }
    } catch (InterruptedException e) {
      failure.compareAndSet(null, e);
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while decoding images");
    }
    Throwable t = failure.get();
    if (t instanceof Error error) {
      throw error;
    }
    if (t instanceof RuntimeException re) {
      throw re;
    }
    report(progress, n, n, start);
    // The workers' writes happen before their countDown, and await() sees them all.
    return problems;
  }

  private static void report(DecodeProgress progress, int done, int total, long start) {
    double seconds = Math.max(1e-9, (System.nanoTime() - start) / 1e9);
    progress.update(done, total, done / seconds);
  }
}
