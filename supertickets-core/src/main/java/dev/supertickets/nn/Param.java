package dev.supertickets.nn;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.supertickets.tensor.Tensors;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A trainable tensor with its gradient and, for weights that may be pruned, a binary mask of the
 * same shape.
 *
 * <p>The forward pass of a masked parameter uses {@code W_eff = mask ⊙ value}. The stored value of
 * a pruned weight is kept, so a later mask can reactivate it with its old value; its task gradient
 * is zero (the layer multiplies the gradient of {@code W_eff} by the mask). Arrays are allocated
 * outside any workspace and updated in place, so references to them stay valid across steps.
 */
public final class Param {
  /** What a parameter is, which decides the defaults for pruning and weight decay. */
  public enum Kind {
    /** A convolution kernel; prunable and decayed by default. */
    CONV_WEIGHT,
    /** A fully connected weight matrix; prunable and decayed by default. */
    LINEAR_WEIGHT,
    /** A bias vector; never pruned. */
    BIAS,
    /**
     * A batch-norm scale (gamma), whose magnitude the search reads to cut channels; never pruned.
     */
    BN_SCALE,
    /** A batch-norm shift (beta); never pruned. */
    BN_SHIFT
  }

  private final String name;
  private final Kind kind;
  private INDArray value;
  private INDArray grad;
  private INDArray mask;

  /**
   * Bumped by everything that may change the weight or the mask: the setters, and the getters of
   * the arrays that callers update in place (optimizers write through {@link #value()}, policies
   * through {@link #mask()}). Lets a layer skip re-checking a cached decision ({@link SparsePath});
   * the sparse kernels themselves are re-checked against the weights on every use, since a
   * reference taken earlier can still write without bumping it.
   */
  private long version;

  /**
   * A dense parameter holding {@code value} (detached from any workspace) with a zero gradient;
   * {@code name} must be unique within its network.
   */
  public Param(String name, Kind kind, INDArray value) {
    checkNotNull(name, "parameter name must not be null");
    checkNotNull(kind, "parameter kind must not be null");
    checkNotNull(value, "parameter %s has a null value", name);
    checkArgument(!name.isBlank(), "parameter name must not be blank");
    this.name = name;
    this.kind = kind;
    this.value = value.isAttached() ? value.detach() : value;
    this.grad = Nd4j.zeros(value.dataType(), value.shape()).detach();
  }

  /**
   * The parameter's unique dotted name in its network, e.g. {@code
   * stage0.branch0.block0.k3.pw.weight}.
   */
  public String name() {
    return name;
  }

  /** What this parameter is. */
  public Kind kind() {
    return kind;
  }

  /**
   * Whether this is a convolution or linear weight (the tensors that carry masks and weight decay).
   */
  public boolean isWeight() {
    return kind == Kind.CONV_WEIGHT || kind == Kind.LINEAR_WEIGHT;
  }

  /** The raw stored values (masked entries keep theirs); callers may update them in place. */
  public INDArray value() {
    version++;
    return value;
  }

  /** The gradient of the loss with respect to the raw value; already multiplied by the mask. */
  public INDArray grad() {
    return grad;
  }

  /**
   * The binary mask, or {@code null} when this parameter is dense; callers may update it in place.
   */
  public INDArray mask() {
    version++;
    return mask;
  }

  /**
   * A counter that changes whenever the weight or the mask may have changed through this
   * parameter's methods (and often when they did not: every {@link #value()} and {@link #mask()}
   * call counts).
   */
  public long version() {
    return version;
  }

  /** Whether a mask is installed. */
  public boolean isMasked() {
    return mask != null;
  }

  /** Installs a mask (copied). Values must be 0 or 1 and the shape must match. */
  public void setMask(INDArray newMask) {
    checkArgument(
        Arrays.equals(newMask.shape(), value.shape()),
        "mask shape %s must equal the shape %s of parameter %s",
        Arrays.toString(newMask.shape()),
        Arrays.toString(value.shape()),
        name);
    version++;
    INDArray m = newMask.castTo(value.dataType());
    double ones = m.sumNumber().doubleValue();
    double squares = m.mul(m).sumNumber().doubleValue();
    checkArgument(
        ones == squares && m.minNumber().doubleValue() >= 0,
        "mask of %s must hold only 0 and 1; pass a binary mask",
        name);
    if (mask == null) {
      // castTo returns the caller's own array when the type already matches: copy it, or updating
      // this mask in place later would change the caller's array (e.g. the stored masks of a ticket
      // restored into a network)
      mask = (m == newMask ? m.dup() : m).detach();
    } else {
      mask.assign(m);
    }
  }

  /** Removes the mask: every weight is active again with its stored value. */
  public void clearMask() {
    version++;
    mask = null;
  }

  /** The tensor the forward pass uses: {@code mask ⊙ value}, or the value itself when dense. */
  public INDArray effective() {
    return mask == null ? value : value.mul(mask);
  }

  /** Number of entries. */
  public long size() {
    return value.length();
  }

  /** Number of active (unmasked) entries. */
  public long activeCount() {
    return mask == null ? value.length() : Math.round(mask.sumNumber().doubleValue());
  }

  /**
   * Replaces value, gradient and mask (null: dense) with new arrays, e.g. after channels were cut
   * out.
   */
  public void replace(INDArray newValue, INDArray newMask) {
    checkNotNull(newValue, "new value of %s must not be null", name);
    version++;
    this.value = newValue.detach();
    this.grad = Nd4j.zeros(newValue.dataType(), newValue.shape()).detach();
    this.mask = newMask == null ? null : newMask.castTo(newValue.dataType()).detach();
  }

  /**
   * Keeps only the entries {@code keep} along {@code axis} of value, mask and gradient (a physical
   * channel cut) and returns the cut, which the caller applies to optimizer state and EMA shadows
   * as well.
   */
  public ChannelCut cut(int axis, int[] keep) {
    ChannelCut c = new ChannelCut(this, axis, keep);
    INDArray newValue = c.apply(value);
    INDArray newMask = mask == null ? null : c.apply(mask);
    replace(newValue, newMask);
    return c;
  }

  /** Sets the gradient to zero in place. */
  public void zeroGrad() {
    FloatBuffer g = small(grad);
    if (g == null) {
      grad.assign(0);
    } else {
      g.put(0, ZEROS, 0, (int) grad.length());
    }
  }

  /**
   * Stores the gradient of {@code W_eff}: multiplies it by the mask and accumulates it into {@link
   * #grad()}.
   */
  public void accumulateGrad(INDArray gradOfEffective) {
    checkArgument(
        Arrays.equals(gradOfEffective.shape(), grad.shape()),
        "gradient of %s must have shape %s, got %s",
        name,
        Arrays.toString(grad.shape()),
        Arrays.toString(gradOfEffective.shape()));
    FloatBuffer g = gradOfEffective.dataType() == DataType.FLOAT ? small(grad) : null;
    if (g != null) {
      addMasked(g, Tensors.contiguous(gradOfEffective).data().asNioFloat());
    } else if (mask == null) {
      grad.addi(gradOfEffective);
    } else {
      grad.addi(gradOfEffective.mul(mask));
    }
  }

  /**
   * {@link #accumulateGrad(INDArray)} for a gradient given as its row-major values, e.g. a batch
   * norm's per-channel sums.
   */
  public void accumulateGrad(float[] gradOfEffective) {
    checkArgument(
        gradOfEffective.length == grad.length(),
        "gradient of %s must have %s values, got %s",
        name,
        grad.length(),
        gradOfEffective.length);
    FloatBuffer g = small(grad);
    if (g == null) {
      accumulateGrad(Nd4j.create(gradOfEffective, grad.shape(), 'c').castTo(grad.dataType()));
    } else {
      addMasked(g, FloatBuffer.wrap(gradOfEffective));
    }
  }

  /** {@code g += src ⊙ mask} in place, element by element: no array is copied or allocated. */
  private void addMasked(FloatBuffer g, FloatBuffer src) {
    FloatBuffer m = mask == null ? null : Tensors.contiguous(mask).data().asNioFloat();
    int n = (int) grad.length();
    for (int i = 0; i < n; i++) {
      g.put(i, g.get(i) + (m == null ? src.get(i) : src.get(i) * m.get(i)));
    }
  }

  /**
   * Up to this many values a gradient is zeroed and accumulated in Java: each ND4J call costs 5 to
   * 15 us whatever its size, and a step makes one per parameter, most of which (batch norms,
   * biases, depthwise kernels) are small.
   */
  private static final int SMALL = 1 << 14;

  private static final float[] ZEROS = new float[SMALL];

  private static FloatBuffer small(INDArray a) {
    return a.length() <= SMALL ? Tensors.denseFloats(a) : null;
  }

  @Override
  public String toString() {
    return name + Arrays.toString(value.shape()) + (mask == null ? "" : " masked");
  }
}
