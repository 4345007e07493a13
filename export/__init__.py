"""biolite.export: trained models to ONNX (and, later, INT8 / FP16 / TensorRT)."""
