/**
 * cgan-core: a conditional GAN on TensorFlow Java, as a library. The public packages are exported;
 * the internal ones only to the project's own modules that need them, so the compiler keeps the
 * boundary that their names promise.
 */
module dev.cgan.core {
  requires transitive tensorflow;
  requires transitive java.desktop;
  requires tensorflow.framework;
  requires com.google.gson;
  requires com.sun.jna;
  requires ejml.core;
  requires ejml.ddense;
  requires java.net.http;
  requires org.slf4j;
  // QuietLauncher relaunches the JVM with its own options; ThreadTuning reads the load average.
  requires java.management;

  exports dev.cgan;
  exports dev.cgan.data;
  exports dev.cgan.model;
  exports dev.cgan.run;
  exports dev.cgan.train;
  exports dev.cgan.serve;
  exports dev.cgan.image;
  exports dev.cgan.eval;
  // The CLI's info command reads the CPU and devices and its launcher sets TensorFlow's
  // environment; the server uses one tensor helper and the signal handling; the benchmark runs the
  // training graph itself.
  exports dev.cgan.internal to
      dev.cgan.cli,
      dev.cgan.server,
      dev.cgan.bench;
  exports dev.cgan.train.internal to
      dev.cgan.bench;

  // Gson reads and writes these records and classes reflectively (run.json, cgan.json, caches).
  opens dev.cgan.model to
      com.google.gson;
  opens dev.cgan.serve to
      com.google.gson;
  opens dev.cgan.eval to
      com.google.gson;
}
