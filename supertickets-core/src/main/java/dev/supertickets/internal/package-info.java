/**
 * The hand-written compute kernels behind the layers and optimizers: the sparse matrix product of
 * the sparse inference path ({@link dev.supertickets.internal.SparseMatmul}), the depthwise
 * convolution's backward pass, the fused batch-norm channel kernels and the fused optimizer and EMA
 * updates. <b>Not part of the API</b>: public only so that the layers in other packages, the
 * benchmarks and the tests can reach them; they may change or go without notice. Use the layers,
 * the trainer and {@link dev.supertickets.nn.SparsePath} instead.
 */
package dev.supertickets.internal;
