/**
 * cgan-core's own toolkit (tensor copies, atomic files, strict JSON, CSV logs, seeds, CPU and
 * device facts; for the project's command line, a progress line, the relaunch that sets
 * TensorFlow's environment, a shutdown hook that waits for the work, failures in one line), open to
 * every package of cgan-core and below all of them: it imports none of them. Exported only to the
 * project's own modules that need it; not API.
 */
package dev.cgan.internal;
