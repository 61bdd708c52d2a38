#!/bin/sh
# Lab only: root=vio-lab is a root we never mount; the pre-mount hook reports and powers off.
[ "$(getarg root=)" = vio-lab ] && rootok=1
