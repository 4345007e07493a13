"""biolite.serving: Triton model repositories, a server launcher and a client.

biolite serve build --model EXPORT_DIR --task ner --repo repo
biolite serve start --repo repo
biolite.pipeline("ner", runtime="triton", url="localhost:8001", model_name="ner")
"""
