/** cgan-bench: the benchmark behind {@code cgan bench}; it times the training graph itself. */
module dev.cgan.bench {
  requires dev.cgan.core;
  requires dev.cgan.server;
  requires java.net.http;
  requires com.google.gson;

  exports dev.cgan.bench;
}
