package dev.supertickets.report;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.supertickets.draw.DrawListener;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link DrawListener} that keeps every epoch's event and the summary, so that a report (or a
 * test) can look at the whole draw afterwards. Plain Java, no plotting: add it to any drawer with
 * {@code SuperTicketsDrawer.builder(space).listener(recorder)}. One recorder per draw.
 */
public final class DrawRecorder implements DrawListener {
  private final List<DrawEvent> epochs = new ArrayList<>();
  private DrawSummary summary;

  @Override
  public synchronized void onEpoch(DrawEvent e) {
    epochs.add(checkNotNull(e, "draw event must not be null"));
  }

  /**
   * A resumed draw hands over the epochs finished before its checkpoint; they start the history.
   */
  @Override
  public synchronized void onResume(List<DrawEvent> history) {
    epochs.clear();
    epochs.addAll(history);
  }

  @Override
  public synchronized void onFinish(DrawSummary s) {
    summary = checkNotNull(s, "draw summary must not be null");
  }

  /** What was recorded so far; the summary is null until the draw finished. */
  public synchronized DrawHistory history() {
    return new DrawHistory(epochs, summary);
  }
}
