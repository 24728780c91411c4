/**
 * Image data sets and the mini-batches fed to training: a strict reader (and writer) for IDX files,
 * plain or gzipped, that refuses anything malformed with a {@link
 * dev.supertickets.io.FileFormatException} naming the file; an immutable in-memory {@link
 * dev.supertickets.data.Dataset} holding every image once, as floats in [0, 1] in NHWC order, with
 * one label per sample (classification) or per pixel (dense prediction); locators for Fashion-MNIST
 * on disk ({@link dev.supertickets.data.FashionMnist}) and a small class-balanced subset bundled in
 * the jar ({@link dev.supertickets.data.EmbeddedFashionMnist}); and a {@link
 * dev.supertickets.data.Loader} that streams seeded, reproducible, optionally augmented and
 * normalised batches without copying the data set per epoch.
 */
package dev.supertickets.data;
