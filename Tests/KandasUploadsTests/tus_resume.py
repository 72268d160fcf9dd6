"""Uploads a file with tuspy, the stock tus client from PyPI, in two runs.

Run by UploadsLiveTests: `first` sends two chunks then kills itself with SIGKILL (an
interrupted app); `resume` starts a new process that finds the stored upload URL, asks the
server for the offset (HEAD) and sends the rest with sha1 chunk checksums.

usage: tus_resume.py first|resume ENDPOINT FILE TOKEN ATTACHMENT_ID SHA256 URL_STORE
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
    chunk_size=65536,
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
if mode == "first":
    uploader.upload_chunk()
    uploader.upload_chunk()
    print(uploader.offset, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
else:
    start = uploader.offset
    uploader.upload()
    print(start, uploader.offset, uploader.url, flush=True)
