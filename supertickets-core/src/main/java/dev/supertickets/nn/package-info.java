/**
 * The training engine: {@link dev.supertickets.nn.Module}s on NHWC activations with hand-written
 * backward passes (convolution of any kernel, stride and groups, batch norm, linear, ReLU and
 * ReLU6, residual add, pooling, resizing, concatenation, dropout), each holding its trainable
 * tensors as {@link dev.supertickets.nn.Param}s. A {@code Param} may carry a binary mask: the
 * forward pass uses {@code W_eff = M ⊙ W} and a pruned weight keeps its stored value, so a later
 * mask can bring it back. Layers run the same code masked or dense, in the {@link
 * dev.supertickets.nn.Mode} the caller picks; {@link dev.supertickets.nn.ChannelCut}s remove
 * channels physically when the search shrinks a network; {@link dev.supertickets.nn.NetworkState}
 * copies a network's numbers by parameter name; {@link dev.supertickets.nn.Profiler} counts MACs
 * and parameters, dense and sparse. Shapes are chosen for speed on CPU: 1x1 convolutions are single
 * GEMMs on the {@code [N·H·W, C]} view.
 */
package dev.supertickets.nn;
