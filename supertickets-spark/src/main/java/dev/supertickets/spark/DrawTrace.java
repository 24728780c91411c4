package dev.supertickets.spark;

import dev.supertickets.draw.DrawListener;
import dev.supertickets.train.TrainingListener;
import java.util.ArrayList;
import java.util.List;

/** What the data-parallel measurements record of a draw: its optimizer steps and epoch losses. */
final class DrawTrace implements DrawListener {
  private long steps;
  private final List<Double> trainLoss = new ArrayList<>();

  @Override
  public void onStep(TrainingListener.StepEvent e) {
    steps++;
  }

  @Override
  public void onEpoch(DrawEvent e) {
    trainLoss.add(e.trainLoss());
  }

  long steps() {
    return steps;
  }

  List<Double> trainLoss() {
    return trainLoss;
  }
}
