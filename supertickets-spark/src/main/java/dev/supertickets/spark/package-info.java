/**
 * SuperTickets-J on Apache Spark: {@link dev.supertickets.spark.SparkSweep} runs a grid of draws
 * one cell a task with Spark's scheduling and retries; {@link
 * dev.supertickets.spark.StandaloneCluster} starts a standalone master and workers on this machine
 * from the class path, for trying a sweep on a real cluster and for the tests.
 */
package dev.supertickets.spark;
