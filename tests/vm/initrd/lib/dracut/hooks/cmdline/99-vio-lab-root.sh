#!/bin/sh
# Lab only: root=vio-lab is a root we never mount; the pre-mount hook reports and powers off.
# shellcheck disable=SC2034 # rootok is read by dracut's init after the hook
[ "$(getarg root=)" = vio-lab ] && rootok=1
