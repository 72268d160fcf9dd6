"""Uploads a file with tuspy, the stock tus client from PyPI, in two runs.

Run by UploadsLiveTests: `first` sends two chunks then kills itself with SIGKILL (an
interrupted app); `resume` starts a new process that finds the stored upload URL, asks the
server for the offset (HEAD) and sends the rest with sha1 chunk checksums.

`more` resumes like `resume` but, like `first`, stops after some chunks and kills itself.
TUS_CHUNK_SIZE (default 65536) and TUS_CHUNKS (chunks before the kill, default 2) change the
sizes, so a run can fill S3 multipart parts (5 MiB) with small chunks.

usage: tus_resume.py first|more|resume ENDPOINT FILE TOKEN ATTACHMENT_ID SHA256 URL_STORE
"""
import os
import signal
import sys

from tusclient import client
from tusclient.storage import filestorage

mode, endpoint, path, token, attachment, sha256, store = sys.argv[1:8]
tus = client.TusClient(endpoint, headers={"Authorization": "Bearer " + token})
uploader = tus.uploader(
    path,
    chunk_size=int(os.environ.get("TUS_CHUNK_SIZE", "65536")),
    metadata={
        "attachment_id": attachment,
        "sha256": sha256,
        "content_type": "application/pdf",
        "kind": "document",
        "filename": "scan.pdf",
        "filetype": "application/pdf",
    },
    store_url=True,
    url_storage=filestorage.FileStorage(store),
    upload_checksum=(mode == "resume"),
)
if mode in ("first", "more"):
    for _ in range(int(os.environ.get("TUS_CHUNKS", "2"))):
        uploader.upload_chunk()
    print(uploader.offset, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
else:
    start = uploader.offset
    uploader.upload()
    print(start, uploader.offset, uploader.url, flush=True)
