/**
 * Loss functions that return their value and their gradient with respect to the logits in one call,
 * for the engine's hand-written backward pass: {@link
 * dev.supertickets.nn.loss.SoftmaxCrossEntropy}, with label smoothing, per sample for
 * classification or per pixel, with an ignore label, for dense prediction.
 */
package dev.supertickets.nn.loss;
