/** cgan-server: TensorFlow Serving's REST API, the Open Inference Protocol's (v2) and a page. */
module dev.cgan.server {
  requires dev.cgan.core;
  requires org.eclipse.jetty.server;
  requires org.slf4j;
  requires com.google.gson;
  requires io.prometheus.metrics.config;
  requires io.prometheus.metrics.core;
  requires io.prometheus.metrics.model;
  requires io.prometheus.writer.text;
  requires io.prometheus.metrics.instrumentation.jvm;

  exports dev.cgan.server;
}
