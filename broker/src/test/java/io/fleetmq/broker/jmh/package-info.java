/**
 * JMH micro-benchmarks for the broker's hot paths: PUBLISH decode, topic match, PUBLISH encode.
 *
 * <p>They live in the test source tree so they compile with every build (and so cannot rot), but classes are
 * named {@code *Benchmark}, which surefire never runs; the generated {@code jmh_generated/*_jmhTest} harness
 * classes are excluded in broker/pom.xml. Run them with {@code bench/scripts/jmh.sh} (see docs/benchmarks.md).
 */
package io.fleetmq.broker.jmh;
