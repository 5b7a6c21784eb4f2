"""Seconds from starting the tslab kernel to a finished `import ... from "gan-kit"` cell."""

import json
import pathlib
import time

from jupyter_client.manager import start_new_kernel

ROOT = pathlib.Path(__file__).resolve().parent.parent

start = time.perf_counter()
km, kc = start_new_kernel(kernel_name="tslab", cwd=str(ROOT / "notebooks"), startup_timeout=120)
ready = time.perf_counter()
try:
    reply = kc.execute_interactive('import { tf } from "gan-kit";\nconsole.log(tf.getBackend());', timeout=120, output_hook=lambda msg: None)
    done = time.perf_counter()
    print(json.dumps({"kernel_start_s": ready - start, "helper_import_s": done - ready, "status": reply["content"].get("status")}))
finally:
    kc.stop_channels()
    km.shutdown_kernel(now=True)
