/**
 * Training: the {@link dev.supertickets.train.Trainer} step loop (forward, loss, backward, update,
 * EMA, each step in a reused workspace), the optimizers ({@link dev.supertickets.train.Sgd}, {@link
 * dev.supertickets.train.AdamW}, {@link dev.supertickets.train.RmsProp}) with per-parameter state
 * that can be sliced when channels are cut, learning-rate schedules as pure functions of the step
 * ({@link dev.supertickets.train.LrSchedule}), explicit L2 and other loss terms ({@link
 * dev.supertickets.train.L2Penalty}, {@link dev.supertickets.train.Regularizer}), the weight {@link
 * dev.supertickets.train.Ema}, BN re-calibration ({@link dev.supertickets.train.BnCalibration}) and
 * evaluation ({@link dev.supertickets.train.Evaluator}). Masks are enforced by the layers, so the
 * same loop trains dense and pruned networks.
 */
package dev.supertickets.train;
