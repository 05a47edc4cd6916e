"""A tiny JSON prediction server ("cloud" serving) on the loopback interface.

Used in lesson 17.

``POST /predict`` with ``{"instances": [image, ...]}`` (nested lists, each image H x W x C
floats in [0, 1]) returns ``{"probabilities": [[...], ...], "classes": [...]}``;
``GET /health`` returns ``{"status": "ok"}``. The server runs in a background thread
(:class:`PredictionServer`, also a context manager) and :func:`post_json` is its client.
"""
from __future__ import annotations

import json
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np


def _make_handler(predict_fn, input_shape):
    class Handler(BaseHTTPRequestHandler):
        def _reply(self, status: int, payload: dict):
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):  # noqa: N802 (http.server naming)
            if self.path == "/health":
                self._reply(200, {"status": "ok"})
            else:
                self._reply(404, {"error": f"unknown path {self.path}"})

        def do_POST(self):  # noqa: N802
            if self.path != "/predict":
                self._reply(404, {"error": f"unknown path {self.path}"})
                return
            try:
                length = int(self.headers.get("Content-Length", 0))
                request = json.loads(self.rfile.read(length))
                x = np.asarray(request["instances"], dtype=np.float32)
                if input_shape is not None and x.shape[1:] != tuple(input_shape):
                    raise ValueError(f"each instance must have shape {tuple(input_shape)}, got {x.shape[1:]}")
                probs = np.asarray(predict_fn(x), dtype=np.float64)
            except (KeyError, ValueError, json.JSONDecodeError) as exc:
                self._reply(400, {"error": str(exc)})
                return
            self._reply(200, {"probabilities": probs.round(6).tolist(),
                              "classes": probs.argmax(axis=1).tolist()})

        def log_message(self, format, *args):  # keep notebooks and tests quiet
            pass

    return Handler


class PredictionServer:
    """Serve ``predict_fn`` (float images -> class probabilities) at ``http://127.0.0.1:<port>``.

    ``port=0`` picks a free ephemeral port; read it from :attr:`url` after :meth:`start`.
    """

    def __init__(self, predict_fn, input_shape=None, host: str = "127.0.0.1", port: int = 0):
        self.predict_fn, self.input_shape = predict_fn, input_shape
        self.host, self.port = host, port
        self.httpd = None
        self.thread = None

    @property
    def url(self) -> str:
        if self.httpd is None:
            raise RuntimeError("server is not running; call start()")
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "PredictionServer":
        self.httpd = ThreadingHTTPServer((self.host, self.port), _make_handler(self.predict_fn, self.input_shape))
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, close the socket and join the thread."""
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.thread.join(timeout=5)
            self.httpd = self.thread = None

    @property
    def running(self) -> bool:
        return self.thread is not None and self.thread.is_alive()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def post_json(url: str, payload: dict, timeout: float = 30.0) -> dict:
    """POST ``payload`` as JSON and return the decoded JSON reply (raises HTTPError on 4xx/5xx)."""
    request = urllib.request.Request(url, data=json.dumps(payload).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read())


def get_json(url: str, timeout: float = 10.0) -> dict:
    """GET ``url`` and decode its JSON reply."""
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return json.loads(response.read())
