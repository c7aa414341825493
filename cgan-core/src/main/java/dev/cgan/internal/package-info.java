/** Helpers shared by the packages (tensor copies, atomic files, devices); not API. */
package dev.cgan.internal;
