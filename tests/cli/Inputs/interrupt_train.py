#!/usr/bin/python3
"""Starts `graphc train ...` (the arguments), sends it SIGINT once the first epoch is printed,
and checks that it stops with status 130, says so, and leaves the --save file as it was."""
import os
import signal
import subprocess
import sys

args = sys.argv[1:]
save = args[args.index("--save") + 1]
before = open(save, "rb").read() if os.path.exists(save) else None
proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
for line in proc.stdout:
    if line.startswith("epoch 1/"):
        proc.send_signal(signal.SIGINT)
        break
out, err = proc.communicate(timeout=120)
after = open(save, "rb").read() if os.path.exists(save) else None
print(f"status {proc.returncode}")
print(err.strip())
print("save file unchanged" if before == after else "save file CHANGED")
