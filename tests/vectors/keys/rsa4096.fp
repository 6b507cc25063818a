4096 SHA256:mMrMlYWEW+MMuXSr+WohOIg/AEG/uvk/Ue7JncpuG1c rsa4096@rampart-test (RSA)
