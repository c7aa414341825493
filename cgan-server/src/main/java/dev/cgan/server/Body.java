package dev.cgan.server;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Reads a request body without holding a thread while the client is sending it: each chunk is taken
 * when Jetty has one ({@link Request#demand}), so a client that sends one byte every few seconds
 * holds a connection, not one of the threads that answer everyone else.
 *
 * <p>The body is bounded in size (beyond it 413: at once when the declared length is beyond 16
 * times the bound or the client waits for "100 Continue", else after reading and dropping up to 16
 * times the bound, so that a client still sending gets the answer rather than a reset) and in time:
 * it must have arrived within the deadline (else 408), and a connection with no bytes for Jetty's
 * idle timeout is 408 too. A body the HTTP parser refuses (a chunk size that does not parse, a
 * connection closed early) is 400. Either {@code onBody} or {@code onError} is called, once, on a
 * thread of Jetty's pool.
 */
final class Body implements Runnable {
  private static final int READING = 0, DONE = 1, EXPIRED = 2;

  private final Request request;
  private final long max;
  private final Duration deadline;
  private final Consumer<byte[]> onBody;
  private final Consumer<HttpError> onError;
  private final AtomicInteger state = new AtomicInteger(READING);
  private Scheduler.Task timer;
  private byte[] bytes = new byte[1024];
  private int count;
  private long dropped;
  private boolean tooLarge;

  private Body(
      Request request,
      long max,
      Duration deadline,
      Consumer<byte[]> onBody,
      Consumer<HttpError> onError) {
    this.request = request;
    this.max = max;
    this.deadline = deadline;
    this.onBody = onBody;
    this.onError = onError;
  }

  /**
   * Starts reading {@code request}'s body; returns at once, or once the body has been handled when
   * all of it was already there.
   */
  static void read(
      Request request,
      long max,
      Duration deadline,
      Consumer<byte[]> onBody,
      Consumer<HttpError> onError) {
    Body body = new Body(request, max, deadline, onBody, onError);
    long declared = request.getLength();
    body.tooLarge = declared > max;
    // A client that waits for "100 Continue", or declares more than would be drained, is told
    // at once: it is not sending, or the answer would come only at the deadline.
    if (body.tooLarge
        && (declared > 16 * max
            || request.getHeaders().contains(HttpHeader.EXPECT, "100-continue"))) {
      onError.accept(body.tooLargeError());
      return;
    }
    body.timer =
        request
            .getComponents()
            .getScheduler()
            .schedule(body::expire, deadline.toMillis(), TimeUnit.MILLISECONDS);
    body.run();
  }

  /** Reads what has arrived; asks Jetty to call again when more has. */
  @Override
  public void run() {
    while (true) {
      Content.Chunk chunk = request.read();
      if (chunk == null) {
        request.demand(this);
        return;
      }
      if (Content.Chunk.isFailure(chunk)) {
        failed(chunk.getFailure());
        return;
      }
      ByteBuffer buffer = chunk.getByteBuffer();
      int n = buffer.remaining();
      if (!tooLarge && count + (long) n > max) {
        tooLarge = true;
        bytes = null;
      }
      if (tooLarge) {
        dropped += n;
      } else {
        if (count + n > bytes.length) {
          bytes = Arrays.copyOf(bytes, (int) Math.min(max, Math.max(2L * bytes.length, count + n)));
        }
        buffer.get(bytes, count, n);
        count += n;
      }
      boolean last = chunk.isLast();
      chunk.release();
      if (last || (tooLarge && dropped > 16 * max)) {
        finished();
        return;
      }
    }
  }

  private void finished() {
    if (!state.compareAndSet(READING, DONE)) {
      // The deadline passed as the last bytes came: it has failed the request, so answer that.
      failed(new TimeoutException());
      return;
    }
    timer.cancel();
    if (tooLarge) {
      onError.accept(tooLargeError());
    } else {
      onBody.accept(count == bytes.length ? bytes : Arrays.copyOf(bytes, count));
    }
  }

  private HttpError tooLargeError() {
    long length = request.getLength();
    return new HttpError(
        HttpError.TOO_LARGE,
        "request body "
            + (length < 0 ? "" : "of " + length + " bytes ")
            + "is more than this server's bound of "
            + max
            + " bytes");
  }

  /** The deadline: fails the request's reads, which wakes a reader waiting for bytes. */
  private void expire() {
    if (state.compareAndSet(READING, EXPIRED)) {
      request.fail(new TimeoutException("the request body did not arrive in time"));
    }
  }

  private void failed(Throwable failure) {
    boolean expired = state.getAndSet(DONE) == EXPIRED;
    timer.cancel();
    onError.accept(errorFor(failure, expired));
  }

  private HttpError errorFor(Throwable failure, boolean expired) {
    if (expired) {
      return new HttpError(
          HttpError.REQUEST_TIMEOUT,
          "the request body did not arrive within "
              + seconds(deadline)
              + " (this server's bound); "
              + (tooLarge ? dropped : count)
              + " bytes came");
    }
    if (failure instanceof TimeoutException) {
      return new HttpError(
          HttpError.REQUEST_TIMEOUT,
          "the request body stopped arriving: no bytes for "
              + seconds(
                  Duration.ofMillis(
                      request
                          .getConnectionMetaData()
                          .getConnection()
                          .getEndPoint()
                          .getIdleTimeout()))
              + " after "
              + (tooLarge ? dropped : count)
              + " bytes");
    }
    if (!(failure instanceof EofException)
        && failure instanceof HttpException http
        && http.getCode() >= 400
        && http.getCode() < 500) {
      return new HttpError(http.getCode(), "bad request body: " + http.getReason());
    }
    // Jetty's parser ends a body it cannot parse (a chunk size of 20 hex digits) as an early end.
    return HttpError.badRequest(
        "the request body ended before its end: the connection closed, or its chunked encoding is"
            + " broken");
  }

  private static String seconds(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + " s" : ms / 1000.0 + " s";
  }
}
