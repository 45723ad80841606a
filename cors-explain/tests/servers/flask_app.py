"""Flask with Flask-CORS, in two configurations (cors-explain/tests/probe_frameworks.rs).

    python3 flask_app.py buggy 9611    a regex allow-list, r"https://app\\.example": Flask-CORS
                                       matches it with re.match, anchored at the start only
    python3 flask_app.py correct 9612  the exact origin, as a plain string, only GET, no
                                       request headers, and Vary: Origin added by hand:
                                       Flask-CORS leaves it out when one origin is allowed
"""
import sys

from flask import Flask, jsonify
from flask_cors import CORS

mode, port = sys.argv[1], int(sys.argv[2])
app = Flask(__name__)
if mode == "buggy":
    CORS(app, origins=[r"https://app\.example"], supports_credentials=True)
else:
    CORS(app, origins=["https://app.example"], supports_credentials=True, methods=["GET"], allow_headers=[])

    @app.after_request
    def vary_origin(response):
        response.vary.add("Origin")
        return response


@app.get("/api/me")
def me():
    return jsonify(user="alice")


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=port)
