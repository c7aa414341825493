/** cgan-cli: one picocli command per class; options in, a library call, an exit code out. */
module dev.cgan.cli {
  requires dev.cgan.core;
  requires dev.cgan.server;
  requires dev.cgan.bench;
  requires info.picocli;

  // picocli sets the annotated option fields reflectively.
  opens dev.cgan.cli to
      info.picocli;
}
