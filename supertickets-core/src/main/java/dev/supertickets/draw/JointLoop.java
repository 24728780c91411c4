package dev.supertickets.draw;

import dev.supertickets.data.Dataset;
import dev.supertickets.data.Loader;
import dev.supertickets.data.Normalization;
import dev.supertickets.mask.MaskContext;
import dev.supertickets.mask.MaskSet;
import dev.supertickets.mask.Masks;
import dev.supertickets.nn.Param;
import dev.supertickets.nn.Profiler;
import dev.supertickets.parallel.Collective;
import dev.supertickets.parallel.DataParallel;
import dev.supertickets.parallel.ReplicaAverage;
import dev.supertickets.supernet.HrSupernet;
import dev.supertickets.supernet.Supernet;
import dev.supertickets.tensor.Backend;
import dev.supertickets.tensor.RandomStreams;
import dev.supertickets.ticket.DataChecks;
import dev.supertickets.ticket.Provenance;
import dev.supertickets.ticket.SuperTicket;
import dev.supertickets.train.AdamW;
import dev.supertickets.train.L2Penalty;
import dev.supertickets.train.LrSchedule;
import dev.supertickets.train.Metrics;
import dev.supertickets.train.Optimizer;
import dev.supertickets.train.StepHook;
import dev.supertickets.train.Trainer;
import dev.supertickets.train.TrainingListener;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One SuperTickets draw's loop (§7 of the algorithm spec), as {@link SuperTicketsDrawer} configures
 * it: the epochs of training with the resource-aware penalty, the evaluation epochs' shrink, the
 * prune events, the checkpoints and the finished ticket with its provenance. A new loop for every
 * draw; the drawer is its public face.
 */
final class JointLoop {
  private final DrawSettings cfg;
  private final DrawListeners listeners;
  private final Path checkpoint;
  private final int checkpointSteps;
  private final DataParallel parallel;

  JointLoop(
      DrawSettings cfg,
      DrawListeners listeners,
      Path checkpoint,
      int checkpointSteps,
      DataParallel parallel) {
    this.cfg = cfg;
    this.listeners = listeners;
    this.checkpoint = checkpoint;
    this.checkpointSteps = checkpointSteps;
    this.parallel = parallel;
  }

  static Map<String, Object> checkpointSettings(DrawSettings cfg, Dataset train, Dataset test) {
    Map<String, Object> m = cfg.entries();
    // user objects whose toString may not be stable across JVMs
    m.remove("maskPolicy");
    m.remove("selector");
    m.remove("augmentation");
    Provenance.putData(m, "data.", train, test);
    return m;
  }

  SuperTicket run(Dataset train, Dataset test, DrawCheckpoint from) {
    Recipe r = cfg.recipe();
    // a replica trains on its shard with its part of the global batch (the whole data and batch
    // without data parallelism)
    Dataset shard = parallel == null ? train : parallel.shard(train);
    int batch = parallel == null ? r.batchSize() : parallel.replicaBatch(r.batchSize());
    DataChecks.checkFits(cfg.space(), shard, "training", batch);
    if (test != null) {
      DataChecks.checkFits(cfg.space(), test, "test", 1);
    }
    Backend.init();
    long start = System.currentTimeMillis() - (from == null ? 0 : from.position.elapsedMillis());
    RandomStreams seeds = new RandomStreams(cfg.seed());
    HrSupernet net =
        from == null
            ? new HrSupernet(cfg.space(), seeds.stream("init"))
            : new HrSupernet(
                cfg.space(),
                from.net.architecture(),
                seeds.stream("init"),
                org.nd4j.linalg.api.buffer.DataType.FLOAT);
    Normalization norm =
        from != null
            ? from.net.normalization()
            : cfg.normalization() != null ? cfg.normalization() : Normalization.of(train);
    Loader trainLoader =
        Loader.builder(shard)
            .batchSize(batch)
            .shuffle(true)
            .augmentation(r.augmentation())
            .normalization(norm)
            .seed(seeds.stream("data").nextLong())
            .build();
    Loader testLoader = test == null ? null : Loader.forEvaluation(test, 256, norm);
    int steps = trainLoader.batchesPerEpoch();
    Optimizer opt = new AdamW(0.9, 0.999, 1e-3, 0);
    long denseMacs = cfg.space().cost().macs();
    MacsBudget budget = new MacsBudget(cfg.macsBudget(), denseMacs);
    ResourcePenalty penalty =
        new ResourcePenalty(net, r.rho(), Math.round(cfg.rhoWarmupEpochs() * steps));
    Trainer.Builder tb =
        Trainer.builder(net)
            .loss(SuperTicket.lossFor(shard, r.labelSmoothing()))
            .optimizer(opt)
            .schedule(LrSchedule.oneCycle(r.learningRate(), (long) cfg.epochs() * steps))
            .l2(L2Penalty.onWeights(r.weightDecay()))
            // the search's penalty ends with the search: once the budget is met no channel can be
            // cut
            // any more
            .regularizer((model, step) -> budget.met() ? 0 : penalty.apply(model, step))
            .ema(r.emaDecay())
            .bnCalibration(r.calibrationBatches());
    if (!listeners.isEmpty()) {
      tb.listener(
          new TrainingListener() {
            @Override
            public void onStep(StepEvent e) {
              listeners.onStep(e);
            }
          });
    }
    State st = new State();
    st.progress = new Trainer.EpochProgress();
    PruneEvents events =
        PruneEvents.of(cfg.epochs(), cfg.pruneInterval(), r.minPruneEvents(), steps);
    if (parallel != null) {
      Collective c = parallel.collective();
      if (parallel.averagesGradients()) {
        tb.gradientExchange(params -> ReplicaAverage.gradients(params, c));
      } else {
        // every K steps, and before every decision (a prune event, an epoch's shrink and prune)
        // so that the replicas decide on the same averaged model
        long k = parallel.interval();
        tb.stepHook(
            (t, epoch) -> {
              long g = t.globalStep();
              boolean event = cfg.targetSparsity() > 0 && events.due(g) > st.events;
              if (g % k == 0 || g % steps == 0 || event) {
                ReplicaAverage.state(t, c);
              }
            });
      }
    }
    Trainer trainer = tb.build();
    ChannelShrink shrink = ChannelShrink.of(cfg.space(), r, cfg.reactivation());
    if (from != null) {
      from.restore(net, trainer, st, budget);
      listeners.onResume(from.history);
    }
    Map<String, Object> ckptSettings = checkpointSettings(cfg, train, test);
    for (int e = st.epoch; e < cfg.epochs(); e++) {
      StepHook afterStep =
          (t, epoch) -> {
            long g = trainer.globalStep();
            // events inside an epoch; one that falls on the epoch's end waits for the shrink
            if (cfg.targetSparsity() > 0 && !events.endsEpoch(g) && events.due(g) > st.events) {
              st.events = events.due(g);
              st.sparsity =
                  r.pruneSchedule().sparsity(st.events, events.count(), cfg.targetSparsity());
              prune(
                  net,
                  st.sparsity,
                  trainLoader,
                  seeds.stream("prune-event", st.events).nextLong(),
                  g);
            }
            if (checkpoint != null
                && checkpointSteps > 0
                && trainer.globalStep() % checkpointSteps == 0) {
              st.epoch = epoch;
              checkpoint(net, norm, trainer, st, budget, ckptSettings, start);
            }
          };
      trainer.epoch(trainLoader, e, st.progress, afterStep);
      double[] tr = st.progress.means();
      boolean lastEpoch = e == cfg.epochs() - 1;
      boolean evalEpoch = (e + 1) % cfg.evalInterval() == 0 || lastEpoch;
      boolean shrunk =
          evalEpoch && cfg.search() && !budget.met() && shrink.apply(net, trainer, lastEpoch);
      if (shrunk && budget.isSet()) {
        budget.check(net.cost().macs(), e + 1);
      }
      boolean pruned = false;
      int due = events.due(trainer.globalStep());
      // a shrink resets the rebuilt paths' masks (Reactivation.REFERENCE), so it re-prunes at the
      // current sparsity
      if (cfg.targetSparsity() > 0 && (due > st.events || lastEpoch || (shrunk && st.events > 0))) {
        st.events = Math.max(due, st.events);
        st.sparsity = r.pruneSchedule().sparsity(st.events, events.count(), cfg.targetSparsity());
        prune(
            net,
            st.sparsity,
            trainLoader,
            seeds.stream("prune", e).nextLong(),
            trainer.globalStep());
        pruned = true;
      }
      // evaluated after this epoch's shrink and prune, as the reference evaluates its pruned
      // checkpoint
      double testAcc = Double.NaN;
      if (testLoader != null && (evalEpoch || pruned)) {
        st.last = trainer.evaluate(testLoader, trainLoader, e);
        testAcc = st.last.accuracy();
      }
      if (pruned && cfg.reactivation() == Reactivation.RESET && !lastEpoch) {
        Masks.clear(prunable(net));
      }
      Profiler.Cost cost = Profiler.lastCost(net);
      DrawListener.DrawEvent ev =
          new DrawListener.DrawEvent(
              e,
              cfg.epochs(),
              tr[0],
              tr[1],
              testAcc,
              Masks.sparsity(prunable(net)),
              cost.macs(),
              cost.sparseMacs(),
              net.hiddenChannels(),
              shrunk,
              pruned,
              System.currentTimeMillis() - start);
      st.history.add(ev);
      listeners.onEpoch(ev);
      st.epoch = e + 1;
      st.progress = new Trainer.EpochProgress();
      if (checkpoint != null && !lastEpoch) {
        checkpoint(net, norm, trainer, st, budget, ckptSettings, start);
      }
    }
    // the ticket: EMA weights with the live masks, BN re-calibrated, as the reference evaluates
    // pruned_checkpoint
    trainer.ema().swap();
    dev.supertickets.train.BnCalibration.recalibrate(
        net, trainLoader, r.calibrationBatches(), cfg.epochs() - 1);
    if (parallel != null) {
      // each replica calibrated on its shard; the mean makes them one ticket
      ReplicaAverage.batchNormStatistics(net, parallel.collective());
    }
    Profiler.Cost cost = net.cost();
    long wall = System.currentTimeMillis() - start;
    Metrics last = st.last;
    Map<String, Object> settings = cfg.entries();
    settings.put("draw.wallMillis", wall);
    settings.put("draw.testAccuracy", last == null ? "n/a" : last.accuracy());
    settings.put("draw.macs", cost.macs());
    settings.put("draw.sparseMacs", cost.sparseMacs());
    settings.put("draw.macsBudgetMet", budget.isSet() ? budget.met() : "n/a");
    settings.put(
        "draw.macsBudgetMetAtEpoch",
        budget.met() ? budget.metEpoch() : budget.isSet() ? "never" : "n/a");
    Provenance.putData(settings, "data.", train, test);
    if (parallel != null) {
      settings.put("draw.replicas", parallel.replicas());
      settings.put("draw.averagingInterval", parallel.interval());
    }
    if (from != null) {
      settings.put(
          "draw.resumedFrom",
          "epoch " + from.epoch() + ", batch " + from.batches() + ", step " + from.globalStep());
    }
    DrawListener.DrawSummary summary =
        new DrawListener.DrawSummary(
            cost.macs(),
            cost.sparseMacs(),
            Masks.sparsity(prunable(net)),
            net.hiddenChannels(),
            last == null ? Double.NaN : last.accuracy(),
            cfg.macsBudget(),
            budget.met(),
            budget.met() ? budget.metEpoch() : -1,
            wall);
    listeners.onFinish(summary);
    return SuperTicket.of(net, norm, Provenance.of(settings));
  }

  /** The loop's own bookkeeping, all of which a checkpoint records. */
  static final class State {
    int epoch;
    Trainer.EpochProgress progress;
    int events;
    double sparsity;
    Metrics last;
    final List<DrawListener.DrawEvent> history = new ArrayList<>();
  }

  private void checkpoint(
      HrSupernet net,
      Normalization norm,
      Trainer trainer,
      State st,
      MacsBudget budget,
      Map<String, Object> settings,
      long start) {
    DrawCheckpoint c =
        DrawCheckpoint.capture(
            SuperTicket.of(net, norm, Provenance.of(settings)),
            trainer,
            st,
            budget,
            System.currentTimeMillis() - start);
    try {
      c.write(checkpoint);
    } catch (IOException e) {
      throw DrawCheckpoint.failure(checkpoint, e);
    }
  }

  private List<Param> prunable(Supernet net) {
    return cfg.selector().select(net.params());
  }

  private void prune(Supernet net, double sparsity, Loader data, long seed, long step) {
    MaskContext ctx =
        MaskContext.builder(net).selector(cfg.selector()).data(data).seed(seed).build();
    Masks.install(cfg.maskPolicy().masks(ctx, sparsity));
    listeners.masks(step, sparsity, () -> MaskSet.capture(ctx.params()));
  }
}
