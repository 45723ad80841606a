// Express with the `cors` package, in two configurations (cors-explain/tests/probe_frameworks.rs).
//   node express_app.js buggy 9601    origin: true (reflects any origin) with credentials
//   node express_app.js correct 9602  an exact allow-list with credentials, and only the
//                                     methods and headers the page uses (the package's
//                                     defaults allow six methods and reflect any header)
const express = require("express");
const cors = require("cors");

const [mode, port] = process.argv.slice(2);
const app = express();
const options =
  mode === "buggy"
    ? { origin: true, credentials: true }
    : { origin: ["https://app.example"], credentials: true, methods: ["GET", "HEAD"], allowedHeaders: [] };
app.use(cors(options));
app.get("/api/me", (req, res) => res.json({ user: "alice" }));
app.listen(Number(port), "127.0.0.1", () => console.log(`express ${mode} on ${port}`));
