/**
 * ONNX export of tickets: {@link dev.supertickets.onnx.OnnxExport} writes a ticket's compact
 * network, normalisation and provenance as an ONNX model that ONNX Runtime serves with the ticket's
 * predictions. Each module describes its inference computation through {@link
 * dev.supertickets.nn.InferenceGraph}; this package turns that into ONNX nodes.
 */
package dev.supertickets.onnx;
