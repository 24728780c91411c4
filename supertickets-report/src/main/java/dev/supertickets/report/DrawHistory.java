package dev.supertickets.report;

import static com.google.common.base.Preconditions.checkState;

import com.google.common.collect.ImmutableList;
import dev.supertickets.draw.DrawListener.DrawEvent;
import dev.supertickets.draw.DrawListener.DrawSummary;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The epochs of one draw as a {@link DrawRecorder} saw them, and its summary.
 *
 * @param epochs one event per finished epoch, in order
 * @param summary the end of the draw; null while the draw is still running (or if it failed)
 */
public record DrawHistory(ImmutableList<DrawEvent> epochs, DrawSummary summary) {
  public DrawHistory {
    epochs = ImmutableList.copyOf(epochs);
  }

  public DrawHistory(List<DrawEvent> epochs, DrawSummary summary) {
    this(ImmutableList.copyOf(epochs), summary);
  }

  /** Whether the draw finished (the summary is there). */
  public boolean finished() {
    return summary != null;
  }

  /** The summary; fails with a clear message before the draw finished. */
  public DrawSummary requireSummary() {
    checkState(
        summary != null,
        "the draw has not finished (%s epochs recorded); write the report after draw() "
            + "returns",
        epochs.size());
    return summary;
  }

  /**
   * The history as a JSON tree ({@link dev.supertickets.io.Json}); NaN (no evaluation) becomes
   * null.
   */
  public Map<String, Object> toJsonTree() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("epochs", epochs.stream().map(DrawHistory::event).toList());
    if (summary != null) {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("macs", summary.macs());
      s.put("sparseMacs", summary.sparseMacs());
      s.put("sparsity", summary.sparsity());
      s.put("hiddenChannels", summary.hiddenChannels());
      s.put("testAccuracy", finite(summary.testAccuracy()));
      s.put("macsBudget", summary.hasMacsBudget() ? summary.macsBudget() : null);
      s.put("macsBudgetMet", summary.hasMacsBudget() ? summary.macsBudgetMet() : null);
      s.put("macsBudgetMetEpoch", summary.hasMacsBudget() ? summary.macsBudgetMetEpoch() : null);
      s.put("elapsedMillis", summary.elapsedMillis());
      m.put("summary", s);
    }
    return m;
  }

  private static Map<String, Object> event(DrawEvent e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("epoch", e.epoch() + 1);
    m.put("trainLoss", finite(e.trainLoss()));
    m.put("trainAccuracy", finite(e.trainAccuracy()));
    m.put("testAccuracy", finite(e.testAccuracy()));
    m.put("sparsity", e.sparsity());
    m.put("macs", e.macs());
    m.put("sparseMacs", e.sparseMacs());
    m.put("hiddenChannels", e.hiddenChannels());
    m.put("shrunk", e.shrunk());
    m.put("pruned", e.pruned());
    m.put("elapsedMillis", e.elapsedMillis());
    return m;
  }

  private static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
