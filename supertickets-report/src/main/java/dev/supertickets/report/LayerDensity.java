package dev.supertickets.report;

import com.google.common.collect.ImmutableList;
import dev.supertickets.ticket.SuperTicket;
import java.util.Arrays;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * How many weights of one masked layer a ticket keeps.
 *
 * @param name the parameter's name, e.g. {@code stage1.fuse.b1.from0.k3.pw.weight}
 * @param shape the weight tensor's shape
 * @param weights the number of weights
 * @param active the weights its mask keeps
 */
public record LayerDensity(String name, long[] shape, long weights, long active) {
  public LayerDensity {
    shape = shape.clone();
  }

  /** Every masked layer of a ticket, in the network's parameter order. */
  public static ImmutableList<LayerDensity> of(SuperTicket ticket) {
    ImmutableList.Builder<LayerDensity> out = ImmutableList.builder();
    for (Map.Entry<String, INDArray> e : ticket.state().masks().entrySet()) {
      INDArray m = e.getValue();
      out.add(
          new LayerDensity(
              e.getKey(), m.shape(), m.length(), Math.round(m.sumNumber().doubleValue())));
    }
    return out.build();
  }

  /** Kept over all weights, in [0, 1]. */
  public double density() {
    return weights == 0 ? 0 : (double) active / weights;
  }

  /** The name without the trailing {@code .weight}, for charts and tables. */
  public String shortName() {
    return name.endsWith(".weight") ? name.substring(0, name.length() - ".weight".length()) : name;
  }

  /** The shape as {@code 8x1x3x3}. */
  public String shapeText() {
    return String.join("x", Arrays.stream(shape).mapToObj(Long::toString).toList());
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LayerDensity l
        && name.equals(l.name)
        && Arrays.equals(shape, l.shape)
        && weights == l.weights
        && active == l.active;
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(shape);
  }
}
