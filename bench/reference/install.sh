#!/bin/sh
# Installs the PyTorch reference of `npm run bench` on Debian 12 (run as root). Debian's python3-torch (1.13)
# installs for /usr/bin/python3. It calls whichever BLAS provides libblas.so.3, and without an optimised one that
# is the reference BLAS, about 16× slower on these models. libopenblas0-pthread registers OpenBLAS as
# libblas.so.3 through update-alternatives. The bench prints the BLAS that torch loaded.
set -eu
apt-get update
apt-get install -y python3-torch libopenblas0-pthread
update-alternatives --display libblas.so.3-x86_64-linux-gnu
/usr/bin/python3 -c 'import torch; print("torch", torch.__version__)'
