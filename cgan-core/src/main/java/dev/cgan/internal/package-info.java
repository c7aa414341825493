/**
 * cgan-core's own toolkit (tensor copies, atomic files, strict JSON, CSV logs, seeds, CPU and
 * device facts), open to every package of cgan-core and below all of them: it imports none of them.
 * Exported only to the project's own modules that need it; not API.
 */
package dev.cgan.internal;
