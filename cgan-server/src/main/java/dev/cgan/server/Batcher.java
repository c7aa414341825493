package dev.cgan.server;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * The part of {@code serve --batching} that {@link PaddedBatcher} cannot take: concurrent predicts
 * of one version with the same signature and the same inputs, bit for bit, share one {@code
 * Session.run}, and each gets its whole output. It serves {@code generate_styled} (whose noise
 * depends on {@code same_style} and {@code truncation}, so its rows are not drawn per request) and
 * every signature of a model exported without {@code generate_mixed}; the answers are the unbatched
 * ones.
 *
 * <p>As TF Serving: the first request of a group waits up to the batch timeout for others to join
 * (none when 0), and a group holds at most {@code maxBatchSize} rows (items), counting each
 * request's rows; a request larger than that runs alone. A request may also join a group whose run
 * has started: it gets that run's output, which is its own.
 */
final class Batcher {
  /**
   * TF Serving's batching parameters.
   *
   * @param maxBatchSize the most rows (items) of the requests sharing one run
   * @param timeoutMicros how long the first request of a group waits for others, in microseconds
   */
  record Parameters(int maxBatchSize, long timeoutMicros) {
    /** The largest batch: merged runs are padded to it, so it is kept small. */
    static final int MAX_SIZE = 1024;

    /** The longest batch timeout: a second. */
    static final long MAX_TIMEOUT_MICROS = 1_000_000;

    Parameters {
      if (maxBatchSize < 1 || maxBatchSize > MAX_SIZE) {
        throw new IllegalArgumentException(
            "max batch size must be 1 to " + MAX_SIZE + ", got " + maxBatchSize);
      }
      if (timeoutMicros < 0 || timeoutMicros > MAX_TIMEOUT_MICROS) {
        throw new IllegalArgumentException(
            "batch timeout must be 0 to " + MAX_TIMEOUT_MICROS + " µs, got " + timeoutMicros);
      }
    }
  }

  /** The requests sharing one run. */
  private static final class Group {
    final CompletableFuture<Map<String, TensorJson.Dense>> result = new CompletableFuture<>();
    long rows;
    int requests = 1;

    Group(long rows) {
      this.rows = rows;
    }
  }

  /** A signature and its inputs, equal when every input is equal bit for bit. */
  private static final class Key {
    private final Object[] parts;
    private final int hash;

    Key(String signature, Map<String, TensorJson.Dense> inputs) {
      parts = new Object[1 + 4 * inputs.size()];
      parts[0] = signature;
      int i = 1;
      for (var e : new java.util.TreeMap<>(inputs).entrySet()) {
        parts[i++] = e.getKey();
        parts[i++] = e.getValue().dtype();
        parts[i++] = e.getValue().shape();
        parts[i++] = e.getValue().values();
      }
      hash = Arrays.deepHashCode(parts);
    }

    @Override
    public boolean equals(Object o) {
      // Arrays.equals on float[] compares the bits (floatToIntBits): -0.0 is not 0.0.
      return o instanceof Key k && k.hash == hash && Arrays.deepEquals(k.parts, parts);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  private final Parameters parameters;
  private final LongConsumer requestsPerRun;
  private final Map<Key, Group> open = new HashMap<>();

  /**
   * @param requestsPerRun told how many requests each run answered
   */
  Batcher(Parameters parameters, LongConsumer requestsPerRun) {
    this.parameters = parameters;
    this.requestsPerRun = requestsPerRun;
  }

  /**
   * The outputs of signature {@code signature} on {@code inputs} ({@code rows} items): from the run
   * of an identical request queued or running, or from {@code run}, called once for the group this
   * request leads.
   */
  Map<String, TensorJson.Dense> run(
      String signature,
      Map<String, TensorJson.Dense> inputs,
      long rows,
      Supplier<Map<String, TensorJson.Dense>> run) {
    if (rows > parameters.maxBatchSize()) {
      requestsPerRun.accept(1);
      return run.get();
    }
    Key key = new Key(signature, inputs);
    Group group;
    boolean leads = false;
    synchronized (open) {
      group = open.get(key);
      if (group != null && group.rows + rows <= parameters.maxBatchSize()) {
        group.rows += rows;
        group.requests++;
        if (group.rows >= parameters.maxBatchSize()) {
          open.notifyAll();
        }
      } else {
        group = new Group(rows);
        open.put(key, group);
        leads = true;
        awaitOthers(group);
      }
    }
    if (leads) {
      return lead(key, group, run);
    }
    try {
      return group.result.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  /** Holding the lock: waits up to the timeout, or until the group is full. */
  private void awaitOthers(Group group) {
    long end = System.nanoTime() + parameters.timeoutMicros() * 1000;
    try {
      for (long left = end - System.nanoTime();
          left > 0 && group.rows < parameters.maxBatchSize();
          left = end - System.nanoTime()) {
        open.wait(left / 1_000_000, (int) (left % 1_000_000));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Runs the group's request (the lock released meanwhile) and gives its output to every member.
   */
  private Map<String, TensorJson.Dense> lead(
      Key key, Group group, Supplier<Map<String, TensorJson.Dense>> run) {
    try {
      Map<String, TensorJson.Dense> out = run.get();
      group.result.complete(out);
      return out;
    } catch (RuntimeException e) {
      group.result.completeExceptionally(e);
      throw e;
    } finally {
      int requests;
      synchronized (open) {
        open.remove(key, group);
        requests = group.requests;
      }
      requestsPerRun.accept(requests);
    }
  }
}
