"""Task logic shared by every runtime: tokenisation, windows, decoding."""
