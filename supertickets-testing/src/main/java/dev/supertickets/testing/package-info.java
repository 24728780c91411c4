/**
 * Test support for users who unit-test properties of their tickets: AssertJ assertions ({@link
 * dev.supertickets.testing.TicketAssertions}: sparsity, cost, subnetwork, binary masks, inactive
 * pruned weights, predictions) and jqwik arbitraries ({@link
 * dev.supertickets.testing.TicketArbitraries}: search spaces, architectures, sparsities, masks,
 * tickets).
 *
 * <p>AssertJ and jqwik are optional dependencies of the core: declare {@code assertj-core} (for the
 * assertions) and {@code jqwik} (for the arbitraries) in test scope yourself. Nothing outside this
 * package loads them, so an application that never touches it needs neither. See {@code
 * docs/testing-your-tickets.md}.
 */
package dev.supertickets.testing;
