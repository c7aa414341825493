/**
 * What other applications use: the trained generator, the SavedModel export and a run's products.
 */
package dev.cgan.serve;
