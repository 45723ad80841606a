"""FastAPI with Starlette's CORSMiddleware, in two configurations
(cors-explain/tests/probe_frameworks.rs).

    python3 fastapi_app.py buggy 9621    allow_origin_regex r"https://.*app\\.example": any host
                                         ending in "app.example" (evilapp.example) is allowed
    python3 fastapi_app.py correct 9622  allow_origins with the exact origin
"""
import sys

import uvicorn
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

mode, port = sys.argv[1], int(sys.argv[2])
app = FastAPI()
if mode == "buggy":
    app.add_middleware(
        CORSMiddleware,
        allow_origin_regex=r"https://.*app\.example",
        allow_credentials=True,
        allow_methods=["GET"],
    )
else:
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["https://app.example"],
        allow_credentials=True,
        allow_methods=["GET"],
    )


@app.get("/api/me")
def me():
    return {"user": "alice"}


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
