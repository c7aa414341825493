package dev.cgan.data;

import dev.cgan.internal.AtomicFiles;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A file fetched into a cache folder only if its SHA-256 is the one expected (Keras's {@code
 * get_file(fname, origin, file_hash)}): a cached copy that verifies is used as is; otherwise the
 * mirrors are tried in order, each into a hidden temporary file next to the target that is renamed
 * into place only after its hash matched. The cache never holds an unverified file.
 */
final class VerifiedDownload {
  private static final long POLL_MILLIS = 100;

  private final Duration connectTimeout;
  private final Duration readTimeout;
  private final long maxFileBytes;
  private final MnistDownloader.Progress progress;
  private final HttpClient client;

  VerifiedDownload(
      Duration connectTimeout,
      Duration readTimeout,
      long maxFileBytes,
      MnistDownloader.Progress progress) {
    this.connectTimeout = connectTimeout;
    this.readTimeout = readTimeout;
    this.maxFileBytes = maxFileBytes;
    this.progress = progress;
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(connectTimeout)
            // NORMAL follows redirects but never from https down to http.
            .followRedirects(HttpClient.Redirect.NORMAL)
            // One plain GET per file; HTTP/2 would buy nothing and adds an h2c upgrade on http.
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  /**
   * {@code cacheDir/fileName}, verified: from the cache, or downloaded from the first of {@code
   * mirrors} (each a base URL ending in {@code /}) that delivers the expected bytes.
   *
   * @throws DownloadException naming every attempt when no mirror delivered them; the cache then
   *     holds no file of that name
   * @throws InterruptedIOException if the thread was interrupted (its flag is set again)
   */
  Path get(String fileName, String expected, Path cacheDir, List<URI> mirrors) throws IOException {
    Path target = cacheDir.resolve(fileName);
    List<DownloadException.Attempt> attempts = new ArrayList<>();
    if (Files.isRegularFile(target)) {
      String found = Sha256.of(target);
      if (found.equals(expected)) {
        long size = Files.size(target);
        progress.update(fileName, size, size);
        return target;
      }
      // A corrupt copy must not survive a failed re-download and be read by someone else.
      Files.delete(target);
      attempts.add(
          new DownloadException.Attempt(
              target.toUri(),
              "cached file had SHA-256 " + found + ", expected " + expected + "; deleted it"));
    }
    Files.createDirectories(cacheDir);
    for (URI base : mirrors) {
      URI url = base.resolve(fileName);
      String failure = tryDownload(url, fileName, expected, target);
      if (failure == null) {
        return target;
      }
      attempts.add(new DownloadException.Attempt(url, failure));
    }
    throw new DownloadException(fileName, cacheDir.toString(), attempts);
  }

  /**
   * One mirror: downloads into a temp file, verifies, renames into place.
   *
   * @return null on success, else why it failed, in words
   */
  private String tryDownload(URI url, String fileName, String expected, Path target)
      throws IOException {
    Path temp = AtomicFiles.tempSibling(target, ".part");
    boolean committed = false;
    try {
      FileSubscriber body;
      // Closed before the rename: some file systems will not rename an open file.
      try (FileChannel out =
          FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW)) {
        body = new FileSubscriber(out, maxFileBytes);
        String failure = receive(url, fileName, body);
        if (failure != null) {
          return failure;
        }
        out.force(true);
      }
      String found = Sha256.hex(body.digest);
      if (!found.equals(expected)) {
        return "SHA-256 mismatch: expected "
            + expected
            + ", found "
            + found
            + " ("
            + body.received()
            + " bytes)";
      }
      AtomicFiles.move(temp, target);
      committed = true;
      return null;
    } finally {
      if (!committed) {
        AtomicFiles.deleteQuietly(temp);
      }
    }
  }

  /**
   * Runs the request, feeding the body to {@code body}, and waits on this thread so that progress
   * is reported here and a stalled body can be abandoned.
   *
   * @return null if a complete 200 response was received, else why not
   */
  private String receive(URI url, String fileName, FileSubscriber body) throws IOException {
    HttpRequest request = HttpRequest.newBuilder(url).GET().timeout(readTimeout).build();
    CompletableFuture<HttpResponse<Long>> call =
        client.sendAsync(
            request,
            info -> {
              if (info.statusCode() != 200) {
                return HttpResponse.BodySubscribers.replacing(-1L);
              }
              body.total = info.headers().firstValueAsLong("Content-Length").orElse(-1);
              return body;
            });
    // The request timeout covers the wait for headers; from the first body byte on, this
    // loop watches for a stall, which the HTTP client has no timeout for.
    long lastSeen = -1;
    long lastChange = System.nanoTime();
    boolean sawStart = false;
    while (true) {
      try {
        HttpResponse<Long> response = call.get(POLL_MILLIS, TimeUnit.MILLISECONDS);
        if (response.statusCode() != 200) {
          return "HTTP " + response.statusCode();
        }
        long n = body.received();
        if (body.total >= 0 && n != body.total) {
          return "truncated body: received " + n + " of " + body.total + " bytes";
        }
        progress.update(fileName, n, body.total);
        return null;
      } catch (TimeoutException e) {
        long n = body.received();
        if (!sawStart && body.started()) {
          sawStart = true;
          lastChange = System.nanoTime();
        }
        if (n != lastSeen) {
          lastSeen = n;
          lastChange = System.nanoTime();
          if (body.started()) {
            progress.update(fileName, n, body.total);
          }
        } else if (body.started() && System.nanoTime() - lastChange > readTimeout.toNanos()) {
          body.abort(new IOException("stalled"));
          call.cancel(true);
          return "no data for " + seconds(readTimeout) + " after " + n + " bytes";
        }
      } catch (ExecutionException e) {
        return describe(rootOf(e), url, body);
      } catch (InterruptedException e) {
        body.abort(new InterruptedIOException("interrupted"));
        call.cancel(true);
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while downloading " + url);
      }
    }
  }

  private String describe(Throwable t, URI url, FileSubscriber body) {
    if (body.started()) {
      long n = body.received();
      if (body.tooLarge) {
        return "body larger than " + maxFileBytes + " bytes, not an MNIST file";
      }
      if (body.total >= 0 && n < body.total) {
        return "truncated body: received "
            + n
            + " of "
            + body.total
            + " bytes ("
            + messageOf(t)
            + ")";
      }
      return "failed after " + n + " bytes: " + messageOf(t);
    }
    if (t instanceof HttpConnectTimeoutException) {
      return "connect timed out after " + seconds(connectTimeout);
    }
    if (t instanceof HttpTimeoutException) {
      return "no response within " + seconds(readTimeout);
    }
    if (t instanceof ConnectException) {
      // The JDK client's ConnectException usually has no message; the cause tells more.
      for (Throwable c = t; c != null; c = c.getCause()) {
        if (c instanceof UnresolvedAddressException || c instanceof UnknownHostException) {
          return "connection failed: unknown host " + url.getHost();
        }
      }
      String detail = t.getMessage() != null ? t.getMessage() : "refused or unreachable";
      return "connection failed: " + url.getHost() + ":" + portOf(url) + " " + detail;
    }
    return messageOf(t);
  }

  private static int portOf(URI url) {
    if (url.getPort() != -1) {
      return url.getPort();
    }
    return "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
  }

  private static Throwable rootOf(Throwable t) {
    while ((t instanceof ExecutionException || t instanceof CompletionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** The first non-empty message down the cause chain, with the exception's type. */
  private static String messageOf(Throwable t) {
    String type = t.getClass().getSimpleName();
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c.getMessage() != null && !c.getMessage().isBlank()) {
        return type + ": " + c.getMessage();
      }
    }
    return type;
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  /**
   * Writes the body straight to the temp file and hashes it on the way, so the file is never read
   * back. Calls arrive on the HTTP client's threads; {@code abort} from the waiting thread, hence
   * the locking.
   */
  private static final class FileSubscriber implements HttpResponse.BodySubscriber<Long> {
    private final FileChannel out;
    private final long limit;
    final MessageDigest digest = Sha256.newDigest();
    private final AtomicLong received = new AtomicLong();
    private final CompletableFuture<Long> result = new CompletableFuture<>();
    private Flow.Subscription subscription;
    private boolean done;
    volatile long total = -1;
    volatile boolean tooLarge;
    private volatile boolean started;

    FileSubscriber(FileChannel out, long limit) {
      this.out = out;
      this.limit = limit;
    }

    long received() {
      return received.get();
    }

    boolean started() {
      return started;
    }

    @Override
    public synchronized void onSubscribe(Flow.Subscription s) {
      started = true;
      if (done) {
        s.cancel();
        return;
      }
      subscription = s;
      // Each onNext writes synchronously, so unbounded demand cannot pile up memory.
      s.request(Long.MAX_VALUE);
    }

    @Override
    public synchronized void onNext(List<ByteBuffer> items) {
      if (done) {
        return;
      }
      try {
        for (ByteBuffer b : items) {
          int n = b.remaining();
          digest.update(b.duplicate());
          while (b.hasRemaining()) {
            out.write(b);
          }
          if (received.addAndGet(n) > limit) {
            tooLarge = true;
            abort(new IOException("body larger than " + limit + " bytes"));
            return;
          }
        }
      } catch (IOException e) {
        abort(e);
      }
    }

    @Override
    public synchronized void onError(Throwable t) {
      if (!done) {
        done = true;
        result.completeExceptionally(t);
      }
    }

    @Override
    public synchronized void onComplete() {
      if (!done) {
        done = true;
        result.complete(received.get());
      }
    }

    /** Stops taking data; later callbacks are ignored, so the temp file can be deleted. */
    synchronized void abort(Throwable why) {
      if (done) {
        return;
      }
      done = true;
      if (subscription != null) {
        subscription.cancel();
      }
      result.completeExceptionally(why);
    }

    @Override
    public CompletionStage<Long> getBody() {
      return result;
    }
  }
}
