"""The paper's distillation and continual-pretraining recipes (DistilBioBERT,
CompactBioBERT, TinyBioBERT; BioDistilBERT / BioTinyBERT / BioMobileBERT)."""
